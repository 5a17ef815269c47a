// Protobuf wire-format writer for caffe.NetParameter (field numbers from caffe.proto).
#include "caffe_writer.h"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <stdexcept>

namespace convscope::test {

namespace {

void varint(std::string& out, std::uint64_t v) {
    while (v >= 0x80) {
        out.push_back(char((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out.push_back(char(v));
}

void tag(std::string& out, int field, int wire) {
    varint(out, std::uint64_t(field) << 3 | std::uint64_t(wire));
}

void bytesField(std::string& out, int field, const std::string& bytes) {
    tag(out, field, 2);
    varint(out, bytes.size());
    out += bytes;
}

std::string blobProto(const core::Tensor& t, int rank) {
    std::string shape, dims;
    const int all[4] = {t.n(), t.c(), t.h(), t.w()};
    for (int i = 0; i < rank; ++i)
        varint(dims, std::uint64_t(rank == 4 ? all[i] : rank == 2 ? all[i] : t.count()));
    bytesField(shape, 1, dims);  // BlobShape.dim, packed
    std::string blob;
    bytesField(blob, 7, shape);  // BlobProto.shape
    std::string data(std::size_t(t.count()) * 4, '\0');
    std::memcpy(data.data(), t.data(), data.size());
    bytesField(blob, 5, data);  // BlobProto.data, packed float
    return blob;
}

}  // namespace

std::string caffeModelBytes(const std::vector<CaffeLayerBlobs>& layers) {
    std::string net;
    bytesField(net, 1, "test");  // NetParameter.name
    for (const CaffeLayerBlobs& l : layers) {
        std::string layer;
        bytesField(layer, 1, l.layer);  // LayerParameter.name
        for (std::size_t i = 0; i < l.blobs.size(); ++i)
            bytesField(layer, 7, blobProto(l.blobs[i], l.ranks[i]));  // LayerParameter.blobs
        bytesField(net, 100, layer);                                  // NetParameter.layer
    }
    return net;
}

void writeFile(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), std::streamsize(bytes.size()));
    if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace convscope::test
