// The Profile tab: runs the open network (default: the built-in AlexNet) in the background with a
// chosen thread count, batch, repeat count and conv method, optionally beside OpenCV dnn, and
// charts where the time goes (core/report/profile_chart.h says what each bar is). Exports the chart
// as PNG or SVG and the data as CSV or JSON (the fields of `convscope bench --json`).
#pragma once

#include <QWidget>
#include <optional>

#include "report/profile_chart.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace convscope::ui {

class NetworkController;
struct ProfileSettings;

// Paints one ChartData as horizontal bars; the same code draws on screen, PNG and SVG.
class ProfileChart : public QWidget {
    Q_OBJECT
public:
    explicit ProfileChart(QWidget* parent = nullptr);
    void setData(std::optional<core::ChartData> data);
    const std::optional<core::ChartData>& data() const { return m_data; }
    // The height that shows every row at a readable size.
    int preferredHeight() const;
    void paint(QPainter& painter, const QRect& area) const;
    QSize sizeHint() const override { return {900, preferredHeight()}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    std::optional<core::ChartData> m_data;
};

class ProfilePanel : public QWidget {
    Q_OBJECT
public:
    explicit ProfilePanel(NetworkController* controller, QWidget* parent = nullptr);
    ProfileChart* chart() const { return m_chart; }
    core::ProfileChartKind chartKind() const;
    void setChartKind(core::ProfileChartKind kind);

    // Shows `s` in the controls (threads 0: every hardware thread), e.g. for a run started
    // elsewhere; does not run anything or remember the values.
    void showSettings(const ProfileSettings& s);

    bool exportChart(const QString& path, QString* error) const;  // .png or .svg
    bool exportData(const QString& path, QString* error) const;   // .csv or .json

public slots:
    void run();
    void runLadder();
    void cancel();

private:
    void showResult();
    void exportChartDialog();
    void exportDataDialog();
    void saveSettings() const;
    void start(bool ladder);
    core::ConvMethod currentMethod() const;

    NetworkController* m_controller;
    QSpinBox* m_threads;
    QComboBox* m_batch;
    QSpinBox* m_repeat;
    QComboBox* m_method;
    QCheckBox* m_opencv;
    QComboBox* m_kind;
    QPushButton* m_run;
    QPushButton* m_ladder;
    QPushButton* m_cancel;
    QProgressBar* m_progress;
    QLabel* m_status;
    QLabel* m_summary;
    ProfileChart* m_chart;
    QTableWidget* m_table;
    QPushButton* m_exportChart;
    QPushButton* m_exportData;
};

}  // namespace convscope::ui
