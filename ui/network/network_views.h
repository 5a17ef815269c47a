// The network side's pictures: the learned-filter gallery and the feature-map grid. Each is a
// CellCanvas whose "cell" is one weight or one activation: the grid is rendered by core at the
// current zoom (crisp pixels, one-pixel separators) and cached; hit testing is core's layout.
#pragma once

#include <QImage>

#include "render/feature_grid.h"
#include "render/filter_grid.h"
#include "widgets/cell_canvas.h"

namespace convscope::ui {

class NetworkController;

// A canvas showing an image that core renders at an integer scale (= the cell size).
class GridImageCanvas : public CellCanvas {
    Q_OBJECT
public:
    explicit GridImageCanvas(QWidget* parent = nullptr);
    // The rendered grid at the current zoom (for export and tests).
    const QImage& rendered() const;
    // Drops the cached rendering (the data changed) and re-fits.
    void invalidate();

protected:
    // The grid at `scale` pixels per cell; a null image when there is nothing to show.
    virtual QImage renderAt(int scale) const = 0;
    // The grid's size in cells and its separator pixels (for fitting).
    virtual QSize cellsToFit() const = 0;
    virtual QSize separatorsToFit() const = 0;
    // What to say when there is nothing to show.
    virtual QString emptyText() const = 0;

    void autoFit() override;
    QSize contentSize() const override;
    // Keyboard: arrows move a selection, Enter or Space chooses it (return true when handled).
    virtual bool handleKey(int key) {
        Q_UNUSED(key);
        return false;
    }
    bool event(QEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void paintContent(QPainter& painter, const QRect& exposed) const override;

private:
    mutable QImage m_cache;
    mutable int m_cacheScale = 0;
};

// The filters of the current conv layer as a grid; hover names the filter and its value range,
// a click chooses it (filterChosen).
class FilterGallery : public GridImageCanvas {
    Q_OBJECT
public:
    explicit FilterGallery(NetworkController* controller, QWidget* parent = nullptr);
    void setNormalization(core::FilterNorm norm);
    core::FilterNorm normalization() const { return m_norm; }
    int selectedFilter() const { return m_selected; }
    void setSelectedFilter(int m);
    // The filter under a content pixel at the current zoom, or -1.
    int filterAt(const QPoint& contentPos) const;
    // Content rectangle of filter m's tile at the current zoom.
    QRect tileRect(int m) const;

signals:
    void filterChosen(int row, int filter);

protected:
    QImage renderAt(int scale) const override;
    QSize cellsToFit() const override;
    QSize separatorsToFit() const override;
    QString emptyText() const override;
    void paintContent(QPainter& painter, const QRect& exposed) const override;
    void contentClicked(const QPoint& contentPos) override;
    QString contentToolTip(const QPoint& contentPos) const override;
    bool handleKey(int key) override;

private:
    void modelChanged();
    NetworkController* m_controller;
    core::FilterNorm m_norm = core::FilterNorm::PerFilter;
    int m_selected = -1;
};

// One layer's activations for the current image: a tile per channel, one colour scale.
class FeatureMapView : public GridImageCanvas {
    Q_OBJECT
public:
    explicit FeatureMapView(NetworkController* controller, QWidget* parent = nullptr);
    // The engine layer shown (-1: none); `highlight` marks one channel (the chosen filter's map).
    void setLayer(int engineIndex, int highlight = -1);
    int layer() const { return m_layer; }
    int highlighted() const { return m_highlight; }
    void setColorBlindSafe(bool on);
    // The scale of the current layer's data (for the legend).
    core::FeatureRange range() const { return m_range; }
    // The channel under a content pixel at the current zoom, or -1.
    int channelAt(const QPoint& contentPos) const;

signals:
    void channelChosen(int channel);

protected:
    QImage renderAt(int scale) const override;
    QSize cellsToFit() const override;
    QSize separatorsToFit() const override;
    QString emptyText() const override;
    void paintContent(QPainter& painter, const QRect& exposed) const override;
    void contentClicked(const QPoint& contentPos) override;
    QString contentToolTip(const QPoint& contentPos) const override;
    bool handleKey(int key) override;

private:
    const core::Tensor* blob() const;
    core::FeatureGridLayout layoutAt(int scale) const;
    NetworkController* m_controller;
    int m_layer = -1, m_highlight = -1;
    bool m_colorBlindSafe = false;
    core::FeatureRange m_range;
};

// A colour bar for a value range (sequential, or diverging around 0), labelled at both ends.
class ColorLegend : public QWidget {
    Q_OBJECT
public:
    explicit ColorLegend(QWidget* parent = nullptr);
    void setRange(double lo, double hi, core::ColorMapKind kind, const QString& caption);
    QSize sizeHint() const override { return {260, 34}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    double m_lo = 0, m_hi = 1;
    core::ColorMapKind m_kind = core::ColorMapKind::Sequential;
    QString m_caption;
};

}  // namespace convscope::ui
