// The views a user can export as PNG or SVG, listed once (ExportableView and its table), and
// ViewExporter, which writes one of them. The File ▸ Export View menu and the tests read the table.
#pragma once

#include <QString>
#include <span>

namespace convscope::ui {

class CellCanvas;
class FcPanel;
class ProfilePanel;

enum class ExportableView {
    Convolution,
    Im2col,
    Gemm,
    FilterGallery,
    FeatureMaps,
    FullyConnected,
    ProfileChart,
};

struct ExportableViewInfo {
    ExportableView view;
    const char* fileName;  // the suggested file name's stem: "convolution"
    const char* menuText;  // untranslated; translate in context "ViewExporter"
};
// Every exportable view, in menu order.
std::span<const ExportableViewInfo> exportableViews();
const ExportableViewInfo& exportableView(ExportableView view);

class ViewExporter {
public:
    // The canvases of the views (not owned; they outlive the exporter).
    struct Views {
        const CellCanvas* convolution = nullptr;
        const CellCanvas* im2col = nullptr;
        const CellCanvas* gemm = nullptr;
        const CellCanvas* filterGallery = nullptr;
        const CellCanvas* featureMaps = nullptr;
        FcPanel* fullyConnected = nullptr;
        ProfilePanel* profile = nullptr;
    };
    explicit ViewExporter(const Views& views) : m_views(views) {}
    // Writes the view as PNG or SVG (by the extension of `path`). False with the reason.
    bool exportTo(ExportableView view, const QString& path, QString* error) const;

private:
    Views m_views;
};

}  // namespace convscope::ui
