// Layer names as a person reads them: torch's ONNX export names every node by its module path
// plus the op ("/layer1/layer1.0/conv1/Conv"), which displayName() shortens to the module's own
// name ("layer1.0.conv1"). The Model panel, the filter gallery and the "reads" column use it.
#pragma once

#include <string>
#include <string_view>

namespace convscope::core {

// The torch module name of an exported node or blob name, or `name` unchanged when it is not a
// torch path (it does not start with '/': "conv1", "Convolution28", Caffe's and Darknet's names).
//  - a trailing "_output_N" (the importer's blob names) goes;
//  - the last segment goes when it is the op ("Conv", "Add_1", "BatchNormalization");
//  - a segment that extends the previous one ("layer1" then "layer1.0") replaces it, because
//    torch repeats the parent's path in each child's name; other segments are joined by '.'.
// "/layer1/layer1.0/conv1/Conv" -> "layer1.0.conv1"; "/features/features.1/conv/conv.0/conv.0.0/
// Conv" -> "features.1.conv.0.0"; a node with no module ("/Flatten") keeps its op: "Flatten".
// Linear in the name's length; allocates the result only.
std::string displayName(std::string_view name);

}  // namespace convscope::core
