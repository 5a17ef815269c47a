// Built with -march=x86-64-v3 on purpose (tests/isa/CMakeLists.txt): check_isa_symbols.sh must
// reject it, which shows the check can fail.
#include <cstdio>

int main(int argc, char**) {
    float v[8];
    for (int i = 0; i < 8; ++i) v[i] = float(argc * i) * 0.5f;
    float s = 0;
    for (float x : v) s += x * x;
    std::printf("%f\n", double(s));
    return 0;
}
