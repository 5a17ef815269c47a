// highlightsFor: a selection's counterparts, via ConvStepper.
#include "teach/linked_selection.h"

#include <algorithm>
#include <tuple>

namespace convscope::core {

namespace {
void sortUnique(std::vector<int>& v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
}
}  // namespace

Highlights highlightsFor(const ConvStepper& s, const Selection& sel) {
    Highlights h;
    const int K = s.groupRows();
    switch (sel.kind) {
        case Selection::Kind::None:
            break;
        case Selection::Kind::InputPixel: {
            h.pixels.push_back({sel.channel, sel.y, sel.x});
            h.entries = s.copiesOf(sel.channel, sel.y, sel.x);
            for (const ConvStepper::Entry& e : h.entries) {
                h.columns.push_back(e.step);
                h.outputSteps.push_back(e.step);
            }
            sortUnique(h.columns);
            sortUnique(h.outputSteps);
            break;
        }
        case Selection::Kind::ColEntry: {
            const ColSource src = s.source(sel.row, sel.step);
            if (src.inside) h.pixels.push_back({src.channel, src.y, src.x});
            h.entries.push_back({sel.row, sel.step});
            h.columns.push_back(sel.step);
            h.rows.push_back(sel.row);
            h.weightRows.push_back(sel.row % K);
            h.outputSteps.push_back(sel.step);
            break;
        }
        case Selection::Kind::Weight: {
            // Weight k of filter m multiplies im2col row (group(m)*K + k) in every column.
            const int row = s.groupOfFilter(sel.filter) * K + sel.row;
            h.filter = sel.filter;
            h.rows.push_back(row);
            h.weightRows.push_back(sel.row);
            for (int n = 0; n < s.steps(); ++n) {
                const ColSource src = s.source(row, n);
                if (src.inside) h.pixels.push_back({src.channel, src.y, src.x});
            }
            std::sort(h.pixels.begin(), h.pixels.end(), [](const auto& a, const auto& b) {
                return std::tie(a.channel, a.y, a.x) < std::tie(b.channel, b.y, b.x);
            });
            h.pixels.erase(std::unique(h.pixels.begin(), h.pixels.end()), h.pixels.end());
            break;
        }
        case Selection::Kind::OutputCell: {
            h.filter = sel.filter;
            h.columns.push_back(sel.step);
            h.outputSteps.push_back(sel.step);
            const int first = s.groupOfFilter(sel.filter) * K;
            for (int k = 0; k < K; ++k) {
                const ColSource src = s.source(first + k, sel.step);
                h.entries.push_back({first + k, sel.step});
                h.weightRows.push_back(k);
                if (src.inside) h.pixels.push_back({src.channel, src.y, src.x});
            }
            break;
        }
    }
    return h;
}

}  // namespace convscope::core
