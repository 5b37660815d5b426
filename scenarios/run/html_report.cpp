// html_report(): one HTML file with inline CSS and SVG charts drawn here, so the report opens
// anywhere (CI artifact, mail attachment, air-gapped lab) and prints on paper. Coordinates are
// whole pixels and every number is printed without locale, so a report always renders to the
// same bytes.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scenarios/run/report_text.h"
#include "scenarios/run/report_writers.h"

namespace scn {
namespace {

// Okabe-Ito colours: distinguishable with the common colour-vision deficiencies and in print.
constexpr std::array<std::string_view, 8> kPalette = {"#0072b2", "#d55e00", "#009e73", "#cc79a7",
                                                      "#e69f00", "#56b4e9", "#7f7f7f", "#000000"};
constexpr std::string_view kSuccessColour = "#009e73";
constexpr std::string_view kFailureColour = "#d55e00";
constexpr std::string_view kBarColour = "#0072b2";

constexpr int kChartWidth = 880;
constexpr int kChartHeight = 260;
constexpr int kPlotLeft = 64;
constexpr int kPlotRight = 16;
constexpr int kPlotTop = 14;
constexpr int kPlotBottom = 46;  // tick labels and the axis title
constexpr std::size_t kTimeTicksMax = 8;
constexpr std::size_t kHistogramBinsMax = 24;
constexpr std::size_t kBarLabelsMax = 14;
// Above this many bars the counts on top of them would collide.
constexpr std::size_t kBarValuesMax = 24;
// Points drawn as dots too, so that a short run (a handful of buckets) is still visible.
constexpr std::size_t kDottedPointsMax = 48;

constexpr std::int64_t kNanosecondsPerSecond = 1'000'000'000;
// First-resync delays are clamped to this so that no sum in the histogram overflows; a delay of
// decades is a runner bug anyway.
constexpr std::int64_t kDelayMagnitudeMax_s = 1'000'000'000;
// Nice steps for time axes and histogram bins, in seconds.
constexpr std::array<std::int64_t, 22> kTimeSteps_s = {
    1,    2,    5,    10,    15,    30,    60,    120,    300,    600,     900,
    1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800, 1209600, 2592000};

std::string number(std::int64_t value) {
  return std::to_string(value);
}

// Plot area inside a chart's viewBox.
struct Plot {
  int left = kPlotLeft;
  int top = kPlotTop;
  int width = kChartWidth - kPlotLeft - kPlotRight;
  int height = kChartHeight - kPlotTop - kPlotBottom;
  int bottom() const { return top + height; }
};

int scaled(double value, double maximum, int pixels) {
  if (maximum <= 0) {
    return 0;
  }
  return static_cast<int>(std::lround(value * pixels / maximum));
}

// The axis maximum and step: 1, 2 or 5 times a power of ten, at most five steps.
struct NiceScale {
  std::uint64_t maximum = 1;
  std::uint64_t step = 1;
};

NiceScale nice_scale(std::uint64_t largest) {
  if (largest == 0) {
    return {1, 1};
  }
  std::uint64_t magnitude = 1;
  while (true) {
    for (const std::uint64_t factor : {1, 2, 5}) {
      const std::uint64_t step = factor * magnitude;
      const std::uint64_t steps = (largest + step - 1) / step;
      if (steps <= 5) {
        return {steps * step, step};
      }
    }
    magnitude *= 10;
  }
}

// "20,000" is too wide for the axis; round tick values read better as "20k", "3M".
std::string tick_count_text(std::uint64_t value) {
  if (value >= 1'000'000 && value % 1'000'000 == 0) {
    return count_text(value / 1'000'000) + "M";
  }
  if (value >= 10'000 && value % 1000 == 0) {
    return count_text(value / 1000) + "k";
  }
  return count_text(value);
}

// A time-axis label in the step's unit: "0h", "6h" for hour steps, "1h30m" for minute steps.
std::string time_tick_text(std::int64_t at_s, std::int64_t step_s) {
  if (step_s % 86400 == 0) {
    return number(at_s / 86400) + "d";
  }
  if (step_s % 3600 == 0) {
    return number(at_s / 3600) + "h";
  }
  if (step_s % 60 == 0) {
    if (at_s < 3600) {
      return number(at_s / 60) + "m";
    }
    return at_s % 3600 == 0 ? number(at_s / 3600) + "h"
                            : number(at_s / 3600) + "h" + number(at_s % 3600 / 60) + "m";
  }
  if (at_s < 60) {
    return number(at_s) + "s";
  }
  return at_s % 60 == 0 ? number(at_s / 60) + "m"
                        : number(at_s / 60) + "m" + number(at_s % 60) + "s";
}

std::int64_t time_step_s(std::int64_t span_ns, std::size_t steps_max) {
  for (const std::int64_t step_s : kTimeSteps_s) {
    if (span_ns <= step_s * kNanosecondsPerSecond * static_cast<std::int64_t>(steps_max)) {
      return step_s;
    }
  }
  return kTimeSteps_s.back();
}

void open_svg(std::string& out, int height, std::string_view label) {
  out += "<svg class=\"chart\" viewBox=\"0 0 " + number(kChartWidth) + " " + number(height) +
         "\" role=\"img\" aria-label=\"" + html_escape(label) + "\"><title>" + html_escape(label) +
         "</title>";
}

void text_at(std::string& out, int x, int y, std::string_view anchor, std::string_view text,
             std::string_view css_class = {}) {
  out += "<text x=\"" + number(x) + "\" y=\"" + number(y) + "\" text-anchor=\"";
  out += anchor;
  out += '"';
  if (!css_class.empty()) {
    out += " class=\"";
    out += css_class;
    out += '"';
  }
  out += '>' + html_escape(text) + "</text>";
}

void line(std::string& out, int x1, int y1, int x2, int y2, std::string_view css_class) {
  out += "<line x1=\"" + number(x1) + "\" y1=\"" + number(y1) + "\" x2=\"" + number(x2) +
         "\" y2=\"" + number(y2) + "\" class=\"";
  out += css_class;
  out += "\"/>";
}

// Horizontal grid lines with count labels, and the rotated axis title.
void value_axis(std::string& out, const Plot& plot, const NiceScale& scale,
                std::string_view title) {
  for (std::uint64_t value = 0; value <= scale.maximum; value += scale.step) {
    const int y = plot.bottom() - scaled(static_cast<double>(value),
                                         static_cast<double>(scale.maximum), plot.height);
    line(out, plot.left, y, plot.left + plot.width, y, value == 0 ? "axis" : "grid");
    text_at(out, plot.left - 6, y + 4, "end", tick_count_text(value));
  }
  const int middle = plot.top + plot.height / 2;
  out += "<text class=\"title\" text-anchor=\"middle\" transform=\"translate(14 " + number(middle) +
         ") rotate(-90)\">" + html_escape(title) + "</text>";
}

void axis_title_below(std::string& out, const Plot& plot, std::string_view title) {
  text_at(out, plot.left + plot.width / 2, plot.bottom() + 38, "middle", title, "title");
}

// Ticks along virtual time from 0 to `span_ns`.
void time_axis(std::string& out, const Plot& plot, std::int64_t span_ns) {
  const std::int64_t step_s = time_step_s(span_ns, kTimeTicksMax);
  for (std::int64_t at_s = 0; at_s * kNanosecondsPerSecond <= span_ns; at_s += step_s) {
    const int x = plot.left + scaled(static_cast<double>(at_s * kNanosecondsPerSecond),
                                     static_cast<double>(span_ns), plot.width);
    line(out, x, plot.bottom(), x, plot.bottom() + 5, "axis");
    text_at(out, x, plot.bottom() + 18, "middle", time_tick_text(at_s, step_s));
  }
  axis_title_below(out, plot, "virtual time");
}

std::string no_data(std::string_view label) {
  std::string out;
  open_svg(out, 70, label);
  out += "<rect x=\"1\" y=\"1\" width=\"" + number(kChartWidth - 2) +
         "\" height=\"68\" class=\"empty\"/>";
  text_at(out, kChartWidth / 2, 40, "middle", "no data in this run", "title");
  out += "</svg>";
  return out;
}

struct Series {
  std::string name;
  std::string_view colour;
  const std::vector<std::uint64_t>* values = nullptr;
};

std::string legend(const std::vector<Series>& series) {
  std::string out = "<ul class=\"legend\">";
  for (const auto& entry : series) {
    out += "<li><span class=\"swatch\" style=\"background:";
    out += entry.colour;
    out += "\"></span>" + html_escape(entry.name) + "</li>";
  }
  out += "</ul>";
  return out;
}

// One polyline per series over buckets of `bucket_width`, points at the bucket middles.
std::string line_chart(const std::vector<Series>& series, fw::Duration bucket_width,
                       std::string_view value_title, std::string_view label) {
  std::size_t buckets = 0;
  std::uint64_t largest = 0;
  for (const auto& entry : series) {
    buckets = std::max(buckets, entry.values->size());
    for (const std::uint64_t value : *entry.values) {
      largest = std::max(largest, value);
    }
  }
  if (buckets == 0 || bucket_width.count() <= 0) {
    return no_data(label);
  }
  const Plot plot;
  const NiceScale scale = nice_scale(largest);
  std::string out;
  open_svg(out, kChartHeight, label);
  value_axis(out, plot, scale, value_title);
  time_axis(out, plot, static_cast<std::int64_t>(buckets) * bucket_width.count());
  for (const auto& entry : series) {
    std::string points;
    std::string dots;
    for (std::size_t i = 0; i < entry.values->size(); ++i) {
      const int x = plot.left +
                    scaled(static_cast<double>(i) + 0.5, static_cast<double>(buckets), plot.width);
      const int y = plot.bottom() - scaled(static_cast<double>((*entry.values)[i]),
                                           static_cast<double>(scale.maximum), plot.height);
      points += (i == 0 ? "" : " ") + number(x) + "," + number(y);
      if (entry.values->size() <= kDottedPointsMax) {
        dots += "<circle cx=\"" + number(x) + "\" cy=\"" + number(y) + "\" r=\"2.5\" fill=\"";
        dots += entry.colour;
        dots += "\"/>";
      }
    }
    out += "<polyline fill=\"none\" stroke-width=\"1.6\" stroke-linejoin=\"round\" stroke=\"";
    out += entry.colour;
    out += "\" points=\"" + points + "\"/>" + dots;
  }
  out += "</svg>";
  return out + legend(series);
}

struct Bar {
  std::string label;  // under the bar, or at its left edge for a histogram
  std::uint64_t value = 0;
};

// Vertical bars. With `edge_labels`, label i sits at bar i's left edge and `last_edge` closes
// the axis (a histogram over a continuous quantity); otherwise labels sit under the bars.
std::string bar_chart(const std::vector<Bar>& bars, bool edge_labels, std::string_view last_edge,
                      std::string_view category_title, std::string_view value_title,
                      std::string_view label) {
  if (bars.empty()) {
    return no_data(label);
  }
  std::uint64_t largest = 0;
  for (const auto& bar : bars) {
    largest = std::max(largest, bar.value);
  }
  const Plot plot;
  const NiceScale scale = nice_scale(largest);
  std::string out;
  open_svg(out, kChartHeight, label);
  value_axis(out, plot, scale, value_title);
  const auto count = static_cast<double>(bars.size());
  const std::size_t label_every = (bars.size() + kBarLabelsMax - 1) / kBarLabelsMax;
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const int x0 = plot.left + scaled(static_cast<double>(i), count, plot.width);
    const int x1 = plot.left + scaled(static_cast<double>(i + 1), count, plot.width);
    const int gap = edge_labels ? 1 : std::max(2, (x1 - x0) / 5);
    const int height =
        scaled(static_cast<double>(bars[i].value), static_cast<double>(scale.maximum), plot.height);
    out += "<rect x=\"" + number(x0 + gap) + "\" y=\"" + number(plot.bottom() - height) +
           "\" width=\"" + number(std::max(1, x1 - x0 - 2 * gap)) + "\" height=\"" +
           number(height) + "\" fill=\"";
    out += kBarColour;
    out += "\"><title>" + html_escape(bars[i].label) + ": " + count_text(bars[i].value) +
           "</title></rect>";
    if (bars.size() <= kBarValuesMax && bars[i].value > 0) {
      text_at(out, (x0 + x1) / 2, plot.bottom() - height - 4, "middle", count_text(bars[i].value),
              "value");
    }
    if (i % label_every == 0) {
      const int x = edge_labels ? x0 : (x0 + x1) / 2;
      if (edge_labels) {
        line(out, x, plot.bottom(), x, plot.bottom() + 5, "axis");
      }
      text_at(out, x, plot.bottom() + 18, "middle", bars[i].label);
    }
  }
  if (edge_labels && bars.size() % label_every == 0) {
    const int x = plot.left + plot.width;
    line(out, x, plot.bottom(), x, plot.bottom() + 5, "axis");
    text_at(out, x, plot.bottom() + 18, "middle", last_edge);
  }
  axis_title_below(out, plot, category_title);
  out += "</svg>";
  return out;
}

// Horizontal bars with their labels on the left: for long category names ($ERR texts).
std::string horizontal_bar_chart(const std::vector<Bar>& bars, std::string_view value_title,
                                 std::string_view label) {
  if (bars.empty()) {
    return no_data(label);
  }
  constexpr int kRowHeight = 24;
  constexpr int kLabelWidth = 240;
  constexpr int kValueRoom = 70;
  std::uint64_t largest = 0;
  for (const auto& bar : bars) {
    largest = std::max(largest, bar.value);
  }
  const int plot_width = kChartWidth - kLabelWidth - kValueRoom;
  const int height = static_cast<int>(bars.size()) * kRowHeight + 30;
  std::string out;
  open_svg(out, height, label);
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const int y = 6 + static_cast<int>(i) * kRowHeight;
    const int width = std::max(
        1, scaled(static_cast<double>(bars[i].value), static_cast<double>(largest), plot_width));
    text_at(out, kLabelWidth - 8, y + 15, "end", bars[i].label);
    out += "<rect x=\"" + number(kLabelWidth) + "\" y=\"" + number(y + 2) + "\" width=\"" +
           number(width) + "\" height=\"" + number(kRowHeight - 6) + "\" fill=\"";
    out += kFailureColour;
    out += "\"/>";
    text_at(out, kLabelWidth + width + 6, y + 15, "start", count_text(bars[i].value));
  }
  text_at(out, kLabelWidth + plot_width / 2, height - 6, "middle", value_title, "title");
  out += "</svg>";
  return out;
}

std::vector<Bar> delay_histogram(const std::vector<std::int64_t>& delays_s,
                                 std::string& last_edge) {
  if (delays_s.empty()) {
    return {};
  }
  const auto clamp = [](std::int64_t delay_s) {
    return std::clamp(delay_s, -kDelayMagnitudeMax_s, kDelayMagnitudeMax_s);
  };
  const auto [smallest_at, largest_at] = std::minmax_element(delays_s.begin(), delays_s.end());
  const std::int64_t largest = clamp(*largest_at);
  const std::int64_t low_s = std::min<std::int64_t>(0, clamp(*smallest_at));
  const std::int64_t span_s = largest - low_s + 1;
  const std::int64_t bin_s = time_step_s(span_s * kNanosecondsPerSecond, kHistogramBinsMax);
  const std::int64_t first_s = low_s >= 0 ? 0 : -((-low_s + bin_s - 1) / bin_s) * bin_s;
  const auto bins = static_cast<std::size_t>((largest - first_s) / bin_s + 1);
  std::vector<Bar> bars(bins);
  for (std::size_t i = 0; i < bins; ++i) {
    const std::int64_t start_s = first_s + static_cast<std::int64_t>(i) * bin_s;
    bars[i].label =
        start_s < 0 ? "-" + time_tick_text(-start_s, bin_s) : time_tick_text(start_s, bin_s);
  }
  for (const std::int64_t delay_s : delays_s) {
    ++bars[static_cast<std::size_t>((clamp(delay_s) - first_s) / bin_s)].value;
  }
  last_edge = time_tick_text(first_s + static_cast<std::int64_t>(bins) * bin_s, bin_s);
  return bars;
}

// Every count from 0 to the largest when that is short, so that gaps show; else only the keys.
std::vector<Bar> retry_bars(const std::map<std::uint64_t, std::uint64_t>& histogram) {
  constexpr std::uint64_t kDenseMax = 40;
  std::vector<Bar> bars;
  if (histogram.empty()) {
    return bars;
  }
  const std::uint64_t largest_key = histogram.rbegin()->first;
  if (largest_key <= kDenseMax) {
    for (std::uint64_t key = 0; key <= largest_key; ++key) {
      const auto found = histogram.find(key);
      bars.push_back({std::to_string(key), found == histogram.end() ? 0 : found->second});
    }
  } else {
    for (const auto& [key, phones] : histogram) {
      bars.push_back({std::to_string(key), phones});
    }
  }
  return bars;
}

std::string_view event_class(std::string_view event) {
  std::string lower(event);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  if (lower.find("fail") != std::string::npos || lower.find("error") != std::string::npos ||
      lower.find("timeout") != std::string::npos || lower.find("rejected") != std::string::npos) {
    return "bad";
  }
  if (lower.find("succe") != std::string::npos || lower.find("applied") != std::string::npos) {
    return "good";
  }
  if (lower.find("power") != std::string::npos || lower.find("reboot") != std::string::npos) {
    return "power";
  }
  return "other";
}

// One row per selected phone, a dot per event along virtual time (hover shows the event).
std::string timeline_strip(const RunReport& report) {
  constexpr int kRowHeight = 26;
  constexpr int kNameWidth = 250;
  std::int64_t span_ns = report.virtual_duration.count();
  for (const auto& timeline : report.timelines) {
    for (const auto& entry : timeline.entries) {
      span_ns = std::max(span_ns, entry.at.count());
    }
  }
  if (span_ns <= 0) {
    span_ns = kNanosecondsPerSecond;
  }
  Plot plot;
  plot.left = kNameWidth;
  plot.top = 8;
  plot.width = kChartWidth - kNameWidth - kPlotRight;
  plot.height = static_cast<int>(report.timelines.size()) * kRowHeight;
  const int height = plot.bottom() + kPlotBottom;
  std::string out;
  open_svg(out, height, "events of the selected phones over virtual time");
  for (std::size_t row = 0; row < report.timelines.size(); ++row) {
    const auto& timeline = report.timelines[row];
    const int y = plot.top + static_cast<int>(row) * kRowHeight + kRowHeight / 2;
    line(out, plot.left, y, plot.left + plot.width, y, "grid");
    text_at(out, plot.left - 8, y + 4, "end", timeline.phone);
    // Power events as upright bars under the dots, so a resync right after power-on hides
    // neither.
    for (const bool power_pass : {true, false}) {
      for (const auto& entry : timeline.entries) {
        const std::string_view kind = event_class(entry.event);
        if ((kind == "power") != power_pass)
          continue;
        const int x = plot.left + scaled(static_cast<double>(entry.at.count()),
                                         static_cast<double>(span_ns), plot.width);
        const std::string tooltip =
            "<title>" + clock_text(entry.at) + " " + html_escape(entry.event) + "</title>";
        if (power_pass) {
          out += "<rect x=\"" + number(x - 2) + "\" y=\"" + number(y - 10) +
                 "\" width=\"4\" height=\"20\" class=\"power\">" + tooltip + "</rect>";
        } else {
          out += "<circle cx=\"" + number(x) + "\" cy=\"" + number(y) + "\" r=\"5.5\" class=\"";
          out += kind;
          out += "\">" + tooltip + "</circle>";
        }
      }
    }
  }
  line(out, plot.left, plot.bottom(), plot.left + plot.width, plot.bottom(), "axis");
  time_axis(out, plot, span_ns);
  out += "</svg>";
  return out;
}

constexpr std::string_view kStyle = R"css(
:root { --pass: #1a7f37; --pass-bg: #e8f5ec; --fail: #b42318; --fail-bg: #fdecea;
        --line: #d8dde3; --muted: #5b6470; --ink: #1f2328; }
* { box-sizing: border-box; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; padding: 24px 28px 40px; max-width: 1040px; color: var(--ink);
       font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Liberation Sans", sans-serif; }
h1 { font-size: 24px; margin: 0 0 4px; word-break: break-word; }
h2 { font-size: 18px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 14px; margin: 18px 0 6px; }
header { border: 1px solid var(--line); border-left: 8px solid var(--pass); border-radius: 6px;
         padding: 14px 18px; }
header.failed { border-left-color: var(--fail); }
.verdict { display: inline-block; font-weight: 700; font-size: 12px; letter-spacing: .06em;
           padding: 2px 8px; border-radius: 4px; color: #fff; background: var(--pass); }
header.failed .verdict { background: var(--fail); }
.description { color: var(--muted); margin: 2px 0 10px; }
dl.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(210px, 1fr));
           gap: 6px 18px; margin: 10px 0; }
dl.facts div { min-width: 0; }
dl.facts dt { font-size: 11px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); }
dl.facts dd { margin: 0; font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }
.reproduce { margin-top: 8px; }
.reproduce span { font-size: 11px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); }
pre, code { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 12.5px; }
pre { margin: 4px 0 0; padding: 8px 10px; background: #f4f6f8; border-radius: 4px;
      white-space: pre-wrap; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; background: #f7f8fa; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.assertions td { overflow-wrap: anywhere; }
tr.pass td:first-child { border-left: 4px solid var(--pass); }
tr.fail td:first-child { border-left: 4px solid var(--fail); }
tr.fail { background: var(--fail-bg); }
.status { font-weight: 700; font-size: 12px; white-space: nowrap; }
tr.pass .status { color: var(--pass); }
tr.fail .status { color: var(--fail); }
.small { font-size: 12px; color: var(--muted); }
ul.evidence { margin: 0; padding-left: 16px; font-size: 12.5px; }
figure { margin: 10px 0 22px; break-inside: avoid; page-break-inside: avoid; }
figcaption { font-weight: 600; margin-bottom: 4px; }
svg.chart { display: block; width: 100%; height: auto; }
svg.chart text { font-size: 11px; fill: #3d444d; }
svg.chart text.title { font-size: 12px; fill: var(--muted); }
svg.chart text.value { font-size: 10px; fill: var(--muted); }
svg.chart .grid { stroke: #e6e9ed; stroke-width: 1; }
svg.chart .axis { stroke: #8c959f; stroke-width: 1; }
svg.chart .empty { fill: #fafbfc; stroke: var(--line); stroke-dasharray: 4 3; }
svg.chart circle { stroke: #fff; stroke-width: 1.5; }
.bad { fill: #d55e00; background: #d55e00; }
.good { fill: #009e73; background: #009e73; }
.power { fill: #0072b2; background: #0072b2; }
.other { fill: #8c959f; background: #8c959f; }
.dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; }
.bar { display: inline-block; width: 4px; height: 14px; }
ul.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 18px; padding: 0; margin: 4px 0 0 7%; }
ul.legend li { display: flex; align-items: center; gap: 6px; font-size: 12px; }
.swatch { display: inline-block; width: 18px; height: 4px; border-radius: 2px; }
td.event { background: none; }
td.event.bad { color: var(--fail); }
td.event.good { color: var(--pass); }
td.event.power, td.event.other { color: var(--ink); }
th.time, td.time { width: 9em; }
footer { margin-top: 36px; font-size: 12px; color: var(--muted); }
@media print {
  body { max-width: none; padding: 0; font-size: 12px; }
  h2 { break-after: avoid; page-break-after: avoid; }
  section.phone, tr { break-inside: avoid; page-break-inside: avoid; }
}
)css";

void fact(std::string& out, std::string_view term, std::string_view value) {
  out += "<div><dt>" + html_escape(term) + "</dt><dd>" + html_escape(value) + "</dd></div>";
}

std::string wall_time_text(double wall_seconds) {
  const auto milliseconds_count =
      static_cast<std::int64_t>(std::llround(std::max(wall_seconds, 0.0) * 1000));
  const std::string seconds_count = std::to_string(milliseconds_count / 1000);
  const std::string fraction = std::to_string(1000 + milliseconds_count % 1000).substr(1);
  return seconds_count + "." + fraction + " s";
}

void header_section(std::string& out, const RunReport& report) {
  std::size_t held = 0;
  for (const auto& result : report.assertions) {
    held += result.passed ? 1 : 0;
  }
  const bool passed = report.passed();
  out += passed ? "<header class=\"passed\">" : "<header class=\"failed\">";
  out += passed ? "<span class=\"verdict\">PASSED</span>" : "<span class=\"verdict\">FAILED</span>";
  out += "<h1>" + html_escape(report.scenario_name) + "</h1>";
  if (!report.description.empty()) {
    out += "<p class=\"description\">" + html_escape(report.description) + "</p>";
  }
  out += "<dl class=\"facts\">";
  fact(out, "assertions held", count_text(held) + " of " + count_text(report.assertions.size()));
  fact(out, "seed", std::to_string(report.seed));
  fact(out, "phones", count_text(report.phones));
  fact(out, "phones converged",
       count_text(report.phones_converged) + " of " + count_text(report.phones));
  fact(out, "virtual duration", duration_text(report.virtual_duration));
  fact(out, "wall time", wall_time_text(report.wall_seconds));
  fact(out, "events", count_text(report.events));
  fact(out, "trace errors", count_text(report.trace_errors));
  fact(out, "trace hash", report.trace_hash);
  if (!report.scenario_file.empty()) {
    fact(out, "scenario file", report.scenario_file);
  }
  for (const auto& [name, value] : report.figures) fact(out, name, value);
  out += "</dl>";
  if (!report.reproduce_command.empty()) {
    out += "<div class=\"reproduce\"><span>Reproduce this run</span><pre><code>" +
           html_escape(report.reproduce_command) + "</code></pre></div>";
  }
  out += "</header>";
}

void assertions_section(std::string& out, const RunReport& report) {
  out += "<section><h2>Assertions</h2>";
  if (report.assertions.empty()) {
    out += "<p class=\"small\">This scenario has no assertions.</p></section>";
    return;
  }
  out +=
      "<table class=\"assertions\"><thead><tr><th>result</th><th>assertion</th>"
      "<th>expected</th><th>actual</th><th>evidence</th></tr></thead><tbody>";
  for (const auto& result : report.assertions) {
    out += result.passed ? "<tr class=\"pass\"><td class=\"status\">&#10003; pass</td>"
                         : "<tr class=\"fail\"><td class=\"status\">&#10007; FAIL</td>";
    out += "<td>" + html_escape(result.name) + "<div class=\"small\">" + html_escape(result.kind);
    if (!result.where.empty()) {
      out += " &middot; " + html_escape(result.where);
    }
    out += "</div></td><td>" + html_escape(result.expected) + "</td><td>" +
           html_escape(result.actual) + "</td><td>";
    if (!result.evidence.empty()) {
      out += "<ul class=\"evidence\">";
      for (const auto& evidence_line : result.evidence) {
        out += "<li>" + html_escape(evidence_line) + "</li>";
      }
      out += "</ul>";
    }
    out += "</td></tr>";
  }
  out += "</tbody></table></section>";
}

std::vector<Series> server_series(const std::vector<TimeSeries>& series) {
  std::vector<Series> out;
  for (std::size_t i = 0; i < series.size(); ++i) {
    out.push_back({series[i].name, kPalette[i % kPalette.size()], &series[i].values});
  }
  return out;
}

void figure(std::string& out, std::string_view caption, const std::string& chart) {
  out += "<figure><figcaption>" + html_escape(caption) + "</figcaption>" + chart + "</figure>";
}

void servers_section(std::string& out, const RunReport& report) {
  out += "<section><h2>Servers</h2>";
  if (report.servers.empty()) {
    out += "<p class=\"small\">No servers in this run.</p>";
  } else {
    out +=
        "<table><thead><tr><th>server</th><th>kind</th><th>address</th>"
        "<th class=\"number\">requests</th><th class=\"number\">failures</th>"
        "<th class=\"number\">peak/s</th><th class=\"number\">peak concurrency</th>"
        "<th class=\"number\">p50</th><th class=\"number\">p90</th>"
        "<th class=\"number\">p99</th></tr></thead><tbody>";
    for (const auto& server : report.servers) {
      out += "<tr><td>" + html_escape(server.name) + "</td><td>" + html_escape(server.kind) +
             "</td><td>" + html_escape(server.address) + "</td>";
      for (const std::uint64_t value :
           {server.requests, server.failures, server.peak_per_second, server.peak_concurrency}) {
        out += "<td class=\"number\">" + count_text(value) + "</td>";
      }
      for (const std::uint64_t value :
           {server.latency_p50_ms, server.latency_p90_ms, server.latency_p99_ms}) {
        out += "<td class=\"number\">" + count_text(value) + " ms</td>";
      }
      out += "</tr>";
    }
    out +=
        "</tbody></table><p class=\"small\">Latency: request to last byte, over all "
        "requests.</p>";
  }
  const std::string bucket = duration_text(report.bucket_width);
  figure(out, "Requests per " + bucket + " per server",
         line_chart(server_series(report.requests_per_server), report.bucket_width,
                    "requests per " + bucket, "requests per " + bucket + " per server"));
  figure(out, "Concurrency per server (open transfers at the end of each " + bucket + ")",
         line_chart(server_series(report.concurrency_per_server), report.bucket_width,
                    "open transfers", "open transfers per server"));
  out += "</section>";
}

void resyncs_section(std::string& out, const RunReport& report) {
  const std::string bucket = duration_text(report.bucket_width);
  out += "<section><h2>Resyncs</h2>";
  const std::vector<Series> outcomes = {
      {"successful resyncs", kSuccessColour, &report.successes.values},
      {"failed resyncs", kFailureColour, &report.failures.values}};
  figure(out, "Successes and failures per " + bucket,
         line_chart(outcomes, report.bucket_width, "resyncs per " + bucket,
                    "successful and failed resyncs per " + bucket));
  std::string last_edge;
  const std::vector<Bar> delays = delay_histogram(report.first_resync_delay_s, last_edge);
  figure(out,
         "First successful resync after power-on (" +
             count_text(report.first_resync_delay_s.size()) + " phones)",
         bar_chart(delays, true, last_edge, "delay from power-on to the first successful resync",
                   "phones", "histogram of the first-resync delay after power-on"));
  figure(out, "Failed attempts before the first success",
         bar_chart(retry_bars(report.retry_histogram), false, {}, "failed attempts before success",
                   "phones", "retry-count histogram"));
  std::vector<Bar> errors;
  for (const auto& [text, count] : report.errors_by_err) {
    errors.push_back({text, count});
  }
  std::stable_sort(errors.begin(), errors.end(),
                   [](const Bar& a, const Bar& b) { return a.value > b.value; });
  figure(out, "Failed resyncs by $ERR",
         horizontal_bar_chart(errors, "failed resyncs", "failed resyncs by $ERR"));
  out += "</section>";
}

void timelines_section(std::string& out, const RunReport& report) {
  out += "<section><h2>Selected phones</h2>";
  if (report.timelines.empty()) {
    out += "<p class=\"small\">No phones were selected for a timeline.</p></section>";
    return;
  }
  figure(out, "Events over virtual time",
         timeline_strip(report) +
             "<ul class=\"legend\"><li><span class=\"dot good\"></span>success</li>"
             "<li><span class=\"dot bad\"></span>failure</li><li><span class=\"bar power\">"
             "</span>power, reboot</li><li><span class=\"dot other\"></span>other</li></ul>");
  for (const auto& timeline : report.timelines) {
    out += "<section class=\"phone\"><h3>" + html_escape(timeline.phone) + "</h3>";
    if (timeline.entries.empty()) {
      out += "<p class=\"small\">No events.</p></section>";
      continue;
    }
    out +=
        "<table><thead><tr><th class=\"number time\">virtual time</th><th>event</th></tr></thead>"
        "<tbody>";
    for (const auto& entry : timeline.entries) {
      out += "<tr><td class=\"number time\">" + clock_text(entry.at) + "</td><td class=\"event ";
      out += event_class(entry.event);
      out += "\">" + html_escape(entry.event) + "</td></tr>";
    }
    out += "</tbody></table></section>";
  }
  out += "</section>";
}

}  // namespace

std::string html_report(const RunReport& report) {
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
  out += "<title>" + html_escape(report.scenario_name) +
         (report.passed() ? " &ndash; passed" : " &ndash; FAILED") + " &ndash; phonesim</title>";
  out += "<style>";
  out += kStyle;
  out += "</style></head>\n<body>\n";
  header_section(out, report);
  out += '\n';
  assertions_section(out, report);
  out += '\n';
  servers_section(out, report);
  out += '\n';
  resyncs_section(out, report);
  out += '\n';
  timelines_section(out, report);
  out += "\n<footer>phonesim run report, seed " + std::to_string(report.seed) +
         ". Self-contained: no scripts, no network. Times are virtual, from the start of the "
         "run.</footer>\n</body></html>\n";
  return out;
}

}  // namespace scn
