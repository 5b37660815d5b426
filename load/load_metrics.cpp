#include "load/load_metrics.h"

#include <algorithm>
#include <cstdio>

#include "load/scaled_clock.h"

namespace load {
namespace {

std::string seconds_text(std::uint64_t microseconds) {
  char text[48];
  std::snprintf(text, sizeof text, "%llu.%06llu", static_cast<unsigned long long>(microseconds / 1'000'000),
                static_cast<unsigned long long>(microseconds % 1'000'000));
  return text;
}

void header(std::string& out, const char* name, const char* type, const char* help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void sample(std::string& out, const std::string& name_and_labels, std::uint64_t value) {
  out += name_and_labels;
  out += ' ';
  out += std::to_string(value);
  out += '\n';
}

// A bound as Prometheus writes them: "0.001", "2.5", "10".
std::string bound_text(std::uint64_t microseconds) {
  std::string text = seconds_text(microseconds);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

}  // namespace

std::string prometheus_label_value(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      escaped += "\\\\";
    } else if (c == '"') {
      escaped += "\\\"";
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

LoadMetrics::LoadMetrics(std::uint64_t phones, fw::Duration bucket_width)
    : bucket_width_(std::max(bucket_width, fw::Duration{1'000'000})), phones_(phones) {}

std::size_t LoadMetrics::bucket_of(fw::Duration real_now) {
  return static_cast<std::size_t>(std::max<std::int64_t>(0, real_now.count()) / bucket_width_.count());
}

void LoadMetrics::count_in(std::vector<std::uint64_t>& series, fw::Duration real_now) {
  const std::size_t bucket = bucket_of(real_now);
  if (series.size() <= bucket) series.resize(bucket + 1, 0);
  ++series[bucket];
}

void LoadMetrics::phone_powered(std::uint64_t phone, fw::Duration real_now) {
  if (phone >= phones_.size()) return;
  PhoneRecord& record = phones_[phone];
  if (!record.powered) ++phones_powered_;
  record.powered = true;
  record.powered_at = real_now;
}

void LoadMetrics::fetch_started(std::uint64_t, const std::string& server, fw::Duration real_now) {
  ++requests_;
  ServerRecord& record = servers_[server];
  ++record.requests;
  count_in(record.requests_per_bucket, real_now);
  ++record.requests_per_second[real_now.count() / 1'000'000'000];
}

void LoadMetrics::resync_finished(std::uint64_t phone, const std::string& server, bool success,
                                  const std::string& err, fw::Duration intended_start,
                                  fw::Duration actual_start, fw::Duration real_now) {
  latency_intended_.record(real_now - intended_start);
  latency_actual_.record(real_now - actual_start);
  if (!server.empty()) {
    ServerRecord& record = servers_[server];
    record.latency_intended.record(real_now - intended_start);
    if (!success) ++record.failures;
  }
  if (success) {
    ++resyncs_succeeded_;
    count_in(successes_per_bucket_, real_now);
  } else {
    ++resyncs_failed_;
    ++errors_by_err_[err.empty() ? "unknown" : err];
    count_in(failures_per_bucket_, real_now);
  }
  if (resync_finished_callback_) resync_finished_callback_(phone);
  if (phone >= phones_.size()) return;
  PhoneRecord& record = phones_[phone];
  if (record.last_succeeded && !success) --phones_converged_;
  if (!record.last_succeeded && success) ++phones_converged_;
  record.last_succeeded = success;
  if (!record.succeeded_once) {
    if (success) {
      record.succeeded_once = true;
      record.first_success_at = real_now;
      ++phones_succeeded_once_;
    } else {
      ++record.failures_before_success;
    }
  }
}

void LoadMetrics::target_refused(std::uint64_t, const std::string& address) {
  ++targets_refused_;
  if (refused_addresses_.size() < kErrorLinesKept &&
      std::find(refused_addresses_.begin(), refused_addresses_.end(), address) == refused_addresses_.end()) {
    refused_addresses_.push_back(address);
  }
}

void LoadMetrics::trace_error(std::uint64_t phone, const std::string& line) {
  ++trace_errors_;
  if (error_lines_.size() < kErrorLinesKept) error_lines_.push_back("phone " + std::to_string(phone) + ": " + line);
}

std::string LoadMetrics::prometheus_text() const {
  std::string out;
  header(out, "phonesim_load_phones", "gauge", "Phones in the run.");
  sample(out, "phonesim_load_phones", phones_.size());
  header(out, "phonesim_load_phones_powered", "gauge", "Phones powered on so far.");
  sample(out, "phonesim_load_phones_powered", phones_powered_);
  header(out, "phonesim_load_phones_converged", "gauge", "Phones whose last resync succeeded.");
  sample(out, "phonesim_load_phones_converged", phones_converged_);
  header(out, "phonesim_load_requests_total", "counter", "Transfers the phones started, by server.");
  for (const auto& [server, record] : servers_) {
    sample(out, "phonesim_load_requests_total{server=\"" + prometheus_label_value(server) + "\"}", record.requests);
  }
  header(out, "phonesim_load_resyncs_total", "counter", "Resyncs finished, by result.");
  sample(out, "phonesim_load_resyncs_total{result=\"success\"}", resyncs_succeeded_);
  sample(out, "phonesim_load_resyncs_total{result=\"failure\"}", resyncs_failed_);
  header(out, "phonesim_load_resync_failures_total", "counter", "Failed resyncs by the phone's $ERR text.");
  for (const auto& [err, count] : errors_by_err_) {
    sample(out, "phonesim_load_resync_failures_total{err=\"" + prometheus_label_value(err) + "\"}", count);
  }
  header(out, "phonesim_load_targets_refused_total", "counter",
         "Connects and datagrams to addresses outside loopback refused by the target guard.");
  sample(out, "phonesim_load_targets_refused_total", targets_refused_);
  header(out, "phonesim_load_trace_errors_total", "counter", "Error-severity trace events of the phones.");
  sample(out, "phonesim_load_trace_errors_total", trace_errors_);
  header(out, "phonesim_load_resync_latency_seconds", "histogram",
         "Resync latency from the intended start (when the phone's timer was due): corrected for "
         "coordinated omission.");
  for (std::uint64_t bound : kLatencyBoundsMicroseconds) {
    sample(out, "phonesim_load_resync_latency_seconds_bucket{le=\"" + bound_text(bound) + "\"}",
           latency_intended_.count_at_or_below(bound));
  }
  sample(out, "phonesim_load_resync_latency_seconds_bucket{le=\"+Inf\"}", latency_intended_.count());
  out += "phonesim_load_resync_latency_seconds_sum " + seconds_text(latency_intended_.sum_microseconds()) + "\n";
  sample(out, "phonesim_load_resync_latency_seconds_count", latency_intended_.count());
  return out;
}

void LoadMetrics::fill_report(scn::RunReport& report, std::uint64_t scale_thousandths) const {
  const auto phone_span = [scale_thousandths](fw::Duration real) {
    return fw::Duration(multiply_divide(real.count(), scale_thousandths, 1000));
  };
  report.phones = phones_.size();
  report.trace_errors = trace_errors_;
  report.phones_converged = phones_converged_;
  report.bucket_width = phone_span(bucket_width_);
  report.errors_by_err = errors_by_err_;
  std::size_t buckets = std::max(successes_per_bucket_.size(), failures_per_bucket_.size());
  for (const auto& [server, record] : servers_) buckets = std::max(buckets, record.requests_per_bucket.size());
  const auto padded = [buckets](std::vector<std::uint64_t> values) {
    values.resize(buckets, 0);
    return values;
  };
  report.successes = {"successful resyncs", "per bucket", padded(successes_per_bucket_)};
  report.failures = {"failed resyncs", "per bucket", padded(failures_per_bucket_)};
  for (const auto& [server, record] : servers_) {
    scn::ServerSummary summary;
    summary.name = server;
    summary.kind = server.substr(0, server.find("://"));
    summary.address = server.find("://") == std::string::npos ? server : server.substr(server.find("://") + 3);
    summary.requests = record.requests;
    summary.failures = record.failures;
    for (const auto& [second, count] : record.requests_per_second) {
      summary.peak_per_second = std::max(summary.peak_per_second, count);
    }
    summary.latency_p50_ms = record.latency_intended.percentile_microseconds(500'000) / 1000;
    summary.latency_p90_ms = record.latency_intended.percentile_microseconds(900'000) / 1000;
    summary.latency_p99_ms = record.latency_intended.percentile_microseconds(990'000) / 1000;
    report.servers.push_back(std::move(summary));
    report.requests_per_server.push_back({server + " requests", "per bucket", padded(record.requests_per_bucket)});
  }
  for (const PhoneRecord& phone : phones_) {
    if (!phone.powered) continue;
    if (phone.succeeded_once) {
      report.first_resync_delay_s.push_back(phone_span(phone.first_success_at - phone.powered_at).count() /
                                            1'000'000'000);
      ++report.retry_histogram[phone.failures_before_success];
    }
  }
}

}  // namespace load
