// The Filters & Feature Maps tab: the current conv layer's learned filters (gallery) beside the
// current layer's activations for the current image (feature maps, one colour scale, legend) and
// the model's top predictions. A click on a filter asks for it to become the teaching kernel
// (filterChosen) and marks its own feature map.
#pragma once

#include <QWidget>

class QComboBox;
class QLabel;

namespace convscope::ui {

class ColorLegend;
class ImageView;
class FeatureMapView;
class FilterGallery;
class NetworkController;

class FiltersPanel : public QWidget {
    Q_OBJECT
public:
    explicit FiltersPanel(NetworkController* controller, QWidget* parent = nullptr);
    FilterGallery* gallery() const { return m_gallery; }
    FeatureMapView* features() const { return m_features; }
    void setColorBlindSafe(bool on);
    // Marks filter m of the current conv layer and its feature map, as a click on it does (without
    // asking for it as the teaching kernel).
    void markFilter(int m);

signals:
    void filterChosen(int row, int filter);

private:
    void updateHeaders();
    void showFeaturesOf(int row, int highlight);
    void updateSingle();

    NetworkController* m_controller;
    FilterGallery* m_gallery;
    FeatureMapView* m_features;
    QComboBox* m_norm;
    QLabel* m_galleryTitle;
    QLabel* m_featuresTitle;
    ColorLegend* m_legend;
    QLabel* m_predictions;
    QLabel* m_singleTitle;
    ImageView* m_single;  // the marked channel, large
    bool m_colorBlindSafe = false;
};

}  // namespace convscope::ui
