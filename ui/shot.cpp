// renderShot: controller + panels, sized, shown offscreen, grabbed.
#include "shot.h"

#include <QApplication>
#include <QHBoxLayout>
#include <QImageReader>
#include <QLabel>
#include <QVBoxLayout>

#include "convolution_view.h"
#include "gemm_view.h"
#include "im2col_view.h"

namespace convscope::ui {

QImage renderShot(const ShotRequest& r, QString* error) {
    TeachingController controller;
    QString problem;
    QObject::connect(&controller, &TeachingController::errorOccurred,
                     [&problem](const QString& m) { problem = m; });
    QImage image;
    QRect roi = r.roi;
    if (r.image.isEmpty()) {
        image = QImage(QStringLiteral(":/chelsea.png"));
        if (roi.isEmpty()) roi = QRect(136, 86, 32, 32);
    } else {
        QImageReader reader(r.image);
        reader.setAutoTransform(true);
        image = reader.read();
        if (image.isNull()) {
            *error =
                QStringLiteral("could not read image '%1': %2").arg(r.image, reader.errorString());
            return {};
        }
    }
    controller.setImage(image, r.image.isEmpty() ? QStringLiteral("chelsea.png") : r.image);
    if (!roi.isEmpty()) controller.setRoi(roi);
    if (!problem.isEmpty()) {
        *error = problem;
        return {};
    }
    if (!controller.setLayer(r.layer)) {
        *error = problem;
        return {};
    }
    controller.cancelFull();  // a still picture does not need the full-size result
    controller.setFilter(r.filter);
    controller.cancelFull();
    if (r.step < 0 || r.step >= controller.stepper().steps()) {
        *error = QStringLiteral("--step %1 is outside 0..%2 for this layer")
                     .arg(r.step)
                     .arg(controller.stepper().steps() - 1);
        return {};
    }
    controller.setStep(r.step);

    QWidget root;
    auto* layout = new QHBoxLayout(&root);
    const bool all = r.view == QLatin1String("all");
    if (all || r.view == QLatin1String("conv")) {
        auto* box = new QWidget(&root);
        auto* v = new QVBoxLayout(box);
        v->setContentsMargins(0, 0, 0, 0);
        auto* view = new ConvolutionView(&controller, box);
        auto* formula =
            new QLabel(QString::fromStdString(controller.stepper().formula(
                           controller.currentDot(), controller.filter(), controller.step(), 6)),
                       box);
        formula->setWordWrap(true);
        v->addWidget(view, 1);
        v->addWidget(formula);
        layout->addWidget(box, 3);
    }
    if (all || r.view == QLatin1String("im2col"))
        layout->addWidget(new Im2colPanel(&controller, &root), 2);
    if (all || r.view == QLatin1String("gemm"))
        layout->addWidget(new GemmPanel(&controller, &root), 2);
    if (layout->count() == 0) {
        *error = QStringLiteral("--view must be conv, im2col, gemm or all");
        return {};
    }
    root.resize(r.size);
    root.show();
    QApplication::sendPostedEvents();  // let the layouts settle before the first paint
    emit controller.changed();         // views fit their cells to their final size
    emit controller.stepChanged(controller.step());
    QApplication::sendPostedEvents();  // labels whose text just changed re-layout
    return root.grab().toImage();
}

}  // namespace convscope::ui
