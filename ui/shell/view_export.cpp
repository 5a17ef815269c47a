// The exportable views' table and how each is written.
#include "shell/view_export.h"

#include <QCoreApplication>
#include <QPainter>
#include <QSvgGenerator>

#include "network/fc_view.h"
#include "network/profile_view.h"
#include "widgets/cell_canvas.h"

namespace convscope::ui {

namespace {
constexpr ExportableViewInfo kViews[] = {
    {ExportableView::Convolution, "convolution",
     QT_TRANSLATE_NOOP("ViewExporter", "&Convolution view…")},
    {ExportableView::Im2col, "im2col", QT_TRANSLATE_NOOP("ViewExporter", "&im2col view…")},
    {ExportableView::Gemm, "gemm", QT_TRANSLATE_NOOP("ViewExporter", "&GEMM view…")},
    {ExportableView::FilterGallery, "filters",
     QT_TRANSLATE_NOOP("ViewExporter", "&Filter gallery…")},
    {ExportableView::FeatureMaps, "features", QT_TRANSLATE_NOOP("ViewExporter", "Feature &maps…")},
    {ExportableView::FullyConnected, "fc",
     QT_TRANSLATE_NOOP("ViewExporter", "F&ully connected view…")},
    {ExportableView::ProfileChart, "profile", QT_TRANSLATE_NOOP("ViewExporter", "&Profile chart…")},
};

QString tr(const char* text) {
    return QCoreApplication::translate("ViewExporter", text);
}

// A plain widget, drawn as it is on screen.
bool exportWidget(QWidget* w, const QString& path, bool svg) {
    if (!svg) return w->grab().save(path);
    QSvgGenerator gen;
    gen.setFileName(path);
    gen.setSize(w->size());
    gen.setViewBox(w->rect());
    QPainter painter;
    if (!painter.begin(&gen)) return false;
    w->render(&painter);
    return painter.end();
}
}  // namespace

std::span<const ExportableViewInfo> exportableViews() {
    return kViews;
}

const ExportableViewInfo& exportableView(ExportableView view) {
    for (const ExportableViewInfo& info : kViews)
        if (info.view == view) return info;
    return kViews[0];
}

bool ViewExporter::exportTo(ExportableView view, const QString& path, QString* error) const {
    const bool svg = path.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive);
    const CellCanvas* canvas = nullptr;
    switch (view) {
        case ExportableView::ProfileChart:
            return m_views.profile->exportChart(path, error);
        case ExportableView::FullyConnected: {
            const bool ok = exportWidget(m_views.fullyConnected->canvas(), path, svg);
            if (!ok) *error = tr("the file cannot be written");
            return ok;
        }
        case ExportableView::Convolution:
            canvas = m_views.convolution;
            break;
        case ExportableView::Im2col:
            canvas = m_views.im2col;
            break;
        case ExportableView::Gemm:
            canvas = m_views.gemm;
            break;
        case ExportableView::FilterGallery:
            canvas = m_views.filterGallery;
            break;
        case ExportableView::FeatureMaps:
            canvas = m_views.featureMaps;
            break;
    }
    if (!canvas || !canvas->hasContent()) {
        *error = tr("the view is empty");
        return false;
    }
    const bool ok = svg ? canvas->renderSvg(path) : canvas->renderContent().save(path);
    if (!ok) *error = tr("the file cannot be written");
    return ok;
}

}  // namespace convscope::ui
