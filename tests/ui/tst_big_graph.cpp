// The network side on the graphs of modern CNNs, without a display: an ONNX model written by the
// test with torch's node names, a residual Add, a Concat, a depthwise and a 1x1 conv, ShuffleNet's
// rank-5 channel shuffle and an fc head. Checks the Model panel's short names and "reads" column,
// the filter gallery on depthwise and 1x1 filters, feature maps that refuse a rank-5 blob, and
// every row of every tab painted without a crash. Start at writeBranchyModel().
#include <onnx/onnx_pb.h>

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>
#include <fstream>

#include "network/filters_panel.h"
#include "network/model_panel.h"
#include "network/network_controller.h"
#include "network/network_views.h"
#include "shell/main_window.h"

using namespace convscope;
using ui::NetworkController;

namespace {

void addFloats(onnx::GraphProto& g, const std::string& name, std::vector<std::int64_t> dims,
               float step) {
    onnx::TensorProto* t = g.add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    std::int64_t count = 1;
    for (std::int64_t d : dims) {
        t->add_dims(d);
        count *= d;
    }
    // Deterministic, varied, both signs: weight i is sin(i * step).
    for (std::int64_t i = 0; i < count; ++i) t->add_float_data(float(std::sin(double(i) * step)));
}

void addInts(onnx::GraphProto& g, const std::string& name, std::vector<std::int64_t> values) {
    onnx::TensorProto* t = g.add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    t->add_dims(std::int64_t(values.size()));
    for (std::int64_t v : values) t->add_int64_data(v);
}

onnx::NodeProto* node(onnx::GraphProto& g, const std::string& name, const std::string& op,
                      std::vector<std::string> inputs) {
    onnx::NodeProto* n = g.add_node();
    n->set_name(name);
    n->set_op_type(op);
    for (const std::string& i : inputs) n->add_input(i);
    n->add_output(name + "_output_0");
    return n;
}

void intsAttr(onnx::NodeProto* n, const std::string& name, std::vector<std::int64_t> values) {
    onnx::AttributeProto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (std::int64_t v : values) a->add_ints(v);
}

void intAttr(onnx::NodeProto* n, const std::string& name, std::int64_t value) {
    onnx::AttributeProto* a = n->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(value);
}

void valueInfo(onnx::ValueInfoProto* v, const std::string& name, std::vector<std::int64_t> dims) {
    v->set_name(name);
    auto* t = v->mutable_type()->mutable_tensor_type();
    t->set_elem_type(onnx::TensorProto::FLOAT);
    for (std::int64_t d : dims) t->mutable_shape()->add_dim()->set_dim_value(d);
}

// input 1x3x8x8 -> /stem/Conv (8 3x3) -> /block/dw/Conv (depthwise, 8 groups) -> /block/pw/Conv
// (1x1) -> /block/Add (pw + stem) -> /shuffle/Reshape (1x2x4x8x8) -> /shuffle/Transpose ->
// /shuffle/Reshape_1 (1x8x8x8) -> /cat/Concat (with stem) -> /pool/GlobalAveragePool -> /Flatten
// -> /fc/Gemm (3 classes).
std::string writeBranchyModel(const QString& dir) {
    onnx::ModelProto m;
    m.set_ir_version(7);
    m.add_opset_import()->set_version(13);
    onnx::GraphProto& g = *m.mutable_graph();
    g.set_name("branchy");
    valueInfo(g.add_input(), "input", {1, 3, 8, 8});
    addFloats(g, "stem.weight", {8, 3, 3, 3}, 0.37f);
    addFloats(g, "dw.weight", {8, 1, 3, 3}, 0.53f);
    addFloats(g, "pw.weight", {8, 8, 1, 1}, 0.71f);
    addFloats(g, "fc.weight", {3, 16}, 0.29f);
    addFloats(g, "fc.bias", {3}, 0.5f);
    addInts(g, "shape5", {1, 2, 4, 8, 8});
    addInts(g, "shape4", {1, 8, 8, 8});
    onnx::NodeProto* stem = node(g, "/stem/Conv", "Conv", {"input", "stem.weight"});
    intsAttr(stem, "pads", {1, 1, 1, 1});
    onnx::NodeProto* dw = node(g, "/block/dw/Conv", "Conv", {"/stem/Conv_output_0", "dw.weight"});
    intsAttr(dw, "pads", {1, 1, 1, 1});
    intAttr(dw, "group", 8);
    node(g, "/block/pw/Conv", "Conv", {"/block/dw/Conv_output_0", "pw.weight"});
    node(g, "/block/Add", "Add", {"/block/pw/Conv_output_0", "/stem/Conv_output_0"});
    node(g, "/shuffle/Reshape", "Reshape", {"/block/Add_output_0", "shape5"});
    intsAttr(node(g, "/shuffle/Transpose", "Transpose", {"/shuffle/Reshape_output_0"}), "perm",
             {0, 2, 1, 3, 4});
    node(g, "/shuffle/Reshape_1", "Reshape", {"/shuffle/Transpose_output_0", "shape4"});
    intAttr(
        node(g, "/cat/Concat", "Concat", {"/shuffle/Reshape_1_output_0", "/stem/Conv_output_0"}),
        "axis", 1);
    node(g, "/pool/GlobalAveragePool", "GlobalAveragePool", {"/cat/Concat_output_0"});
    node(g, "/Flatten", "Flatten", {"/pool/GlobalAveragePool_output_0"});
    onnx::NodeProto* fc =
        node(g, "/fc/Gemm", "Gemm", {"/Flatten_output_0", "fc.weight", "fc.bias"});
    intAttr(fc, "transB", 1);
    valueInfo(g.add_output(), "/fc/Gemm_output_0", {1, 3});
    const std::string path = QDir(dir).filePath(QStringLiteral("branchy.onnx")).toStdString();
    std::ofstream out(path, std::ios::binary);
    m.SerializeToOstream(&out);
    return path;
}

QImage gradient(int w, int h) {
    QImage img(w, h, QImage::Format_RGB32);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) img.setPixel(x, y, qRgb(x * 255 / w, y * 255 / h, 128));
    return img;
}

int rowNamed(const NetworkController& net, const char* name) {
    for (std::size_t i = 0; i < net.rows().size(); ++i)
        if (net.rows()[i].name == QLatin1String(name)) return int(i);
    return -1;
}

}  // namespace

class TestBigGraph : public QObject {
    Q_OBJECT
private slots:
    void init() { QSettings().clear(); }

    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_model = QString::fromStdString(writeBranchyModel(m_dir.path()));
    }

    void modelPanelShowsShortNamesAndWhatJoinsRead() {
        NetworkController net;
        ui::ModelPanel panel(&net);
        QSignalSpy changed(&net, &NetworkController::modelChanged);
        net.openModel(m_model);
        QVERIFY(changed.wait(20000));
        QVERIFY2(net.runnable(), qPrintable(net.problem()));
        QTreeWidget* tree = panel.tree();
        QCOMPARE(tree->topLevelItemCount(), int(net.rows().size()));
        const int dw = rowNamed(net, "/block/dw/Conv");
        QVERIFY(dw >= 0);
        QCOMPARE(tree->topLevelItem(dw)->text(0), QStringLiteral("block.dw"));
        QVERIFY(tree->topLevelItem(dw)->toolTip(0).contains(QStringLiteral("/block/dw/Conv")));
        const int add = rowNamed(net, "/block/Add");
        QCOMPARE(net.rows()[std::size_t(add)].readCount, 2);
        QCOMPARE(tree->topLevelItem(add)->text(1), QStringLiteral("← block.pw, stem"));
        const int cat = rowNamed(net, "/cat/Concat");
        QCOMPARE(tree->topLevelItem(cat)->text(1), QStringLiteral("← shuffle, stem"));
        // The plain chain says nothing: the pointwise conv reads the row above it.
        QCOMPARE(tree->topLevelItem(rowNamed(net, "/block/pw/Conv"))->text(1), QString());
        // Rank-5 and rank-2 shapes as they are.
        QCOMPARE(net.rows()[std::size_t(rowNamed(net, "/shuffle/Reshape"))].output,
                 QStringLiteral("2×4×8×8"));
        QCOMPARE(net.rows()[std::size_t(rowNamed(net, "/fc/Gemm"))].output, QStringLiteral("3"));
    }

    void galleryShowsDepthwiseAndOneByOneFilters() {
        NetworkController net;
        QSignalSpy changed(&net, &NetworkController::modelChanged);
        net.openModel(m_model);
        QVERIFY(changed.wait(20000));
        ui::FilterGallery gallery(&net);
        gallery.resize(400, 300);
        // The ONNX conv rows have their filters (the importer names them after the output).
        QCOMPARE(net.currentRow(), rowNamed(net, "/stem/Conv"));
        QVERIFY(net.filtersOf(net.currentRow()));
        net.setCurrentRow(rowNamed(net, "/block/dw/Conv"));
        gallery.setCellSize(4);
        QImage img = gallery.rendered();
        QVERIFY(!img.isNull());
        // 8 depthwise 3x3 filters: one 3x3 grid of tiles, not 8 groups in a row.
        QCOMPARE(img.size(), QSize(1 + 3 * (3 * 4 + 1), 1 + 3 * (3 * 4 + 1)));
        QCOMPARE(gallery.filterAt(gallery.tileRect(5).center()), 5);
        net.setCurrentRow(rowNamed(net, "/block/pw/Conv"));
        gallery.setCellSize(4);
        img = gallery.rendered();
        // 8 x 8 weights of the 1x1 conv: the matrix, one 4x4 cell each.
        QCOMPARE(img.size(), QSize(8 * 4, 8 * 4));
        QCOMPARE(gallery.filterAt(QPoint(3 * 4 + 1, 6 * 4 + 1)), 6);
    }

    void featureMapsRefuseARank5Blob() {
        NetworkController net;
        QSignalSpy changed(&net, &NetworkController::modelChanged);
        net.openModel(m_model);
        QVERIFY(changed.wait(20000));
        QSignalSpy ready(&net, &NetworkController::featuresChanged);
        net.setImage(gradient(24, 24));
        QVERIFY(ready.wait(20000));
        ui::FeatureMapView view(&net);
        view.resize(300, 200);
        const int shuffle = net.rows()[std::size_t(rowNamed(net, "/shuffle/Reshape"))].engineIndex;
        QVERIFY(shuffle >= 0);
        QCOMPARE(net.activations(shuffle)->shape().rank, 5);
        view.setLayer(shuffle, 3);
        QVERIFY(view.rendered().isNull());
        QCOMPARE(view.channelAt(QPoint(2, 2)), -1);
        (void)view.grab();  // paints the "not an image" text
        // The fc output (rank 2): one 1x1 tile per class.
        view.setLayer(net.rows()[std::size_t(rowNamed(net, "/fc/Gemm"))].engineIndex);
        QVERIFY(!view.rendered().isNull());
    }

    void everyRowOnEveryTabPaints() {
        ui::MainWindow window;
        window.resize(1280, 720);
        NetworkController* net = window.network();
        QSignalSpy changed(net, &NetworkController::modelChanged);
        net->openModel(m_model);
        QVERIFY(changed.wait(20000));
        QSignalSpy ready(net, &NetworkController::featuresChanged);
        net->setImage(gradient(24, 24));
        if (ready.isEmpty()) QVERIFY(ready.wait(20000));
        for (int tab : {1, 2, 3}) {
            window.showTab(ui::MainWindow::Tab(tab));
            for (int row = 0; row < int(net->rows().size()); ++row) {
                net->setCurrentRow(row);
                QVERIFY(!window.grab().isNull());
            }
        }
        net->waitForJobs();
    }

private:
    QTemporaryDir m_dir;
    QString m_model;
};

QTEST_MAIN(TestBigGraph)
#include "tst_big_graph.moc"
