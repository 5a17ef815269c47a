// CellCanvas: a scrollable, zoomable surface for grids of cells (pixels, matrix entries). It paints
// only the visible part (subclasses get the exposed rectangle in content pixels), keeps cells
// crisp, and reports clicks in content coordinates. The base of the three teaching views.
#pragma once

#include <QAbstractScrollArea>

namespace convscope::ui {

class CellCanvas : public QAbstractScrollArea {
    Q_OBJECT
public:
    explicit CellCanvas(QWidget* parent = nullptr);

    int cellSize() const { return m_cell; }
    void setCellSize(int pixels);  // clamped to [1, 96]
    // Renders the whole content (not just the viewport) at the current zoom, for export.
    QImage renderContent() const;
    // The same as a vector drawing (SVG). False when the file cannot be written.
    bool renderSvg(const QString& path) const;
    bool hasContent() const { return !contentSize().isEmpty(); }
    // The part of the content the viewport shows, in content pixels.
    QRect visibleContent() const;
    // Scrolls so that the content rectangle is visible.
    void ensureVisible(const QRect& contentRect);
    // Picks the cell size that fits `cells` (columns x rows of cells) plus `margins` pixels into
    // the viewport, within [minCell, maxCell].
    void fitCells(const QSize& cells, const QSize& margins, int minCell, int maxCell);

    // True after zoomIn/zoomOut until the content changes or resetZoom(): resizes keep the zoom.
    bool zoomedByHand() const { return m_manualZoom; }

public slots:
    void zoomIn();
    void zoomOut();
    void resetZoom();  // back to the size that fits the viewport
    void refresh();    // recompute the content size and repaint

protected:
    // Chooses a cell size for the current content and viewport (fitCells); called on resize
    // (unless zoomed by hand) and by subclasses when their content changes, which ends a zoom.
    virtual void autoFit() {}
    virtual QSize contentSize() const = 0;
    virtual void paintContent(QPainter& painter, const QRect& exposed) const = 0;
    virtual void contentClicked(const QPoint& contentPos) { Q_UNUSED(contentPos); }
    virtual QString contentToolTip(const QPoint& contentPos) const {
        Q_UNUSED(contentPos);
        return {};
    }

    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void focusInEvent(QFocusEvent* event) override;
    void focusOutEvent(QFocusEvent* event) override;
    bool viewportEvent(QEvent* event) override;

private:
    QPoint toContent(const QPoint& viewportPos) const;
    void updateScrollBars();
    int m_cell = 16;
    bool m_manualZoom = false;
};

}  // namespace convscope::ui
