// Built-in networks with seeded random weights, so timing and teaching need no download.
#pragma once

#include <cstdint>
#include <memory>

#include "net/network.h"

namespace convscope::core {

// Fills a tensor with uniform values in [lo, hi) from a fixed-seed generator (same values on every
// machine for the same seed).
void fillUniform(Tensor& t, std::uint32_t seed, float lo = -1.0f, float hi = 1.0f);

// CaffeNet, the single-GPU AlexNet of Caffe's model zoo: input 3x227x227; conv1 96 11x11 stride 4,
// relu, max pool 3 stride 2, LRN 5; conv2 256 5x5 pad 2 groups 2, relu, pool, LRN; conv3 384 3x3
// pad 1; conv4 384 3x3 pad 1 groups 2; conv5 256 3x3 pad 1 groups 2, pool; fc6 4096, fc7 4096,
// fc8 1000 with relu and dropout; softmax. 61M parameters (233 MiB) drawn uniformly in
// +-sqrt(3/fan_in) from `seed`, biases 0.01, so activations neither vanish nor explode.
std::unique_ptr<Network> makeAlexNet(std::uint32_t seed = 1);

// Caffe's LeNet for MNIST (1x28x28: conv 20 5x5, pool, conv 50 5x5, pool, fc 500, relu, fc 10,
// softmax) with seeded random weights: a small net for tests and the GUI.
std::unique_ptr<Network> makeLeNet(std::uint32_t seed = 1);

// The conv layer `name` of `net` alone (same weights and bias) in a network whose input is that
// layer's input at batch 1: one layer to benchmark or to run the method ladder on. Throws
// Error(InvalidConfig) naming the network's conv layers when `name` is not one of them.
std::unique_ptr<Network> convLayerAlone(const Network& net, const std::string& name);

}  // namespace convscope::core
