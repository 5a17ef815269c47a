#!/usr/bin/python3
# Writes the small files of the CLI's --input-npy tests (committed; rerun only to change them):
# two tiny ONNX models and .npy inputs, good and bad. Needs python3-numpy and python3-onnx.
#   tiny_conv.onnx        N x 3 x 5 x 5 -> Conv 3x3 pad 1, 2 filters -> N x 2 x 5 x 5
#   tiny_classifier.onnx  the same conv -> Relu -> GlobalAveragePool -> Flatten -> N x 2
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

here = os.path.dirname(os.path.abspath(__file__))
# Filter 0 sums its 3x3x3 window, filter 1 is its negative (so class 0 wins the classifier).
w = np.stack([np.ones((3, 3, 3)), -np.ones((3, 3, 3))]).astype(np.float32)
b = np.array([0.5, 0.0], np.float32)


def model(name, classifier):
    x = helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3, 5, 5])
    nodes = [helper.make_node("Conv", ["input", "w", "b"], ["conv"], kernel_shape=[3, 3],
                              pads=[1, 1, 1, 1])]
    if classifier:
        nodes += [helper.make_node("Relu", ["conv"], ["relu"]),
                  helper.make_node("GlobalAveragePool", ["relu"], ["pool"]),
                  helper.make_node("Flatten", ["pool"], ["output"])]
        y = helper.make_tensor_value_info("output", TensorProto.FLOAT, ["N", 2])
    else:
        nodes[0].output[0] = "output"
        y = helper.make_tensor_value_info("output", TensorProto.FLOAT, ["N", 2, 5, 5])
    g = helper.make_graph(nodes, name, [x], [y],
                          [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 11)])
    m.ir_version = 6
    onnx.checker.check_model(m)
    onnx.save(m, os.path.join(here, name + ".onnx"))


model("tiny_conv", False)
model("tiny_classifier", True)
x = np.arange(75, dtype=np.float32).reshape(1, 3, 5, 5) / 75
np.save(os.path.join(here, "input_1x3x5x5.npy"), x)
np.save(os.path.join(here, "batch_2x3x5x5.npy"), np.concatenate([x, -x]))
np.save(os.path.join(here, "rank3_3x5x5.npy"), x[0])
np.save(os.path.join(here, "gray_1x1x5x5.npy"), x[:, :1])
np.save(os.path.join(here, "fortran_1x3x5x5.npy"), np.asfortranarray(x))
np.save(os.path.join(here, "int64_1x3x5x5.npy"), np.arange(75).reshape(1, 3, 5, 5))

# The answers the tests expect, worked out here with numpy.
pad = np.pad(x[0], ((0, 0), (1, 1), (1, 1)))
conv = np.array([[[(w[m] * pad[:, i:i + 3, j:j + 3]).sum() + b[m] for j in range(5)]
                  for i in range(5)] for m in range(2)])
flat = conv.reshape(-1)
print("tiny_conv: top-1 index", int(flat.argmax()), "value %.6g" % flat.max())
print("tiny_classifier:", np.maximum(conv, 0).mean(axis=(1, 2)))
