// Writes the Caffe models the CLI tests read (the fixture cli_written_models in CMakeLists.txt):
// write_models DIR puts each in a folder of DIR.
#include <cstdio>
#include <string>

#include "written_model.h"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: write_models DIR\n");
        return 2;
    }
    convscope::test::writeRefusedLayerModel(std::string(argv[1]) + "/refused");
    return 0;
}
