#pragma once

// LoadMetrics: what the phones of a `phonesim load` run did, gathered as it happens (one thread:
// the run's io_context). It feeds the live progress line, the Prometheus endpoint
// (prometheus_text()) and, at the end, the RunReport that `phonesim run`'s writers turn into
// JUnit, JSON and HTML (fill_report()).
//
// Latency is recorded twice per resync (latency_histogram.h): from its intended start (the
// figures reported, thresholds and Prometheus) and from its actual start (shown beside them, so
// the size of the coordinated-omission correction is visible).

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "load/latency_histogram.h"
#include "load/load_phone_platform.h"
#include "scenarios/run/run_report.h"

namespace load {

class LoadMetrics final : public LoadRecorder {
 public:
  // Prometheus `le` bounds of the latency histogram, in microseconds.
  static constexpr std::uint64_t kLatencyBoundsMicroseconds[] = {
      1'000, 2'500, 5'000, 10'000, 25'000, 50'000, 100'000, 250'000, 500'000,
      1'000'000, 2'500'000, 5'000'000, 10'000'000, 30'000'000, 60'000'000};
  // Error lines kept as evidence.
  static constexpr std::size_t kErrorLinesKept = 5;

  // `bucket_width`: real time per bucket of the time series.
  LoadMetrics(std::uint64_t phones, fw::Duration bucket_width);

  void phone_powered(std::uint64_t phone, fw::Duration real_now);
  // Called after each finished resync is counted (LoadRun's --back-to-back); from inside the
  // phone's trace call, so it must only post work to the loop.
  void on_resync_finished(std::function<void(std::uint64_t phone)> callback) {
    resync_finished_callback_ = std::move(callback);
  }

  // --- LoadRecorder ---
  void fetch_started(std::uint64_t phone, const std::string& server, fw::Duration real_now) override;
  void resync_finished(std::uint64_t phone, const std::string& server, bool success, const std::string& err,
                       fw::Duration intended_start, fw::Duration actual_start, fw::Duration real_now) override;
  void target_refused(std::uint64_t phone, const std::string& address) override;
  void trace_error(std::uint64_t phone, const std::string& line) override;

  std::uint64_t phones() const { return phones_.size(); }
  std::uint64_t phones_powered() const { return phones_powered_; }
  std::uint64_t phones_converged() const { return phones_converged_; }
  std::uint64_t phones_succeeded_once() const { return phones_succeeded_once_; }
  std::uint64_t requests() const { return requests_; }
  std::uint64_t resyncs_succeeded() const { return resyncs_succeeded_; }
  std::uint64_t resyncs_failed() const { return resyncs_failed_; }
  std::uint64_t targets_refused() const { return targets_refused_; }
  const LatencyHistogram& latency_from_intended() const { return latency_intended_; }
  const LatencyHistogram& latency_from_actual() const { return latency_actual_; }
  const std::map<std::string, std::uint64_t>& errors_by_err() const { return errors_by_err_; }
  const std::vector<std::string>& error_lines() const { return error_lines_; }

  // The Prometheus text exposition format (version 0.0.4) of every counter, gauge and histogram.
  std::string prometheus_text() const;

  // Fills the report's figures from the run: servers (requests, failures, peak per second,
  // latency percentiles from the intended start), time series, errors by $ERR, retry histogram,
  // first-resync delays (phone time: `scale_thousandths`), converged phones. Leaves names,
  // assertions and the command line to the caller.
  void fill_report(scn::RunReport& report, std::uint64_t scale_thousandths) const;

 private:
  struct PhoneRecord {
    bool powered = false;
    bool succeeded_once = false;
    bool last_succeeded = false;
    std::uint64_t failures_before_success = 0;
    fw::Duration powered_at{0};
    fw::Duration first_success_at{0};
  };
  struct ServerRecord {
    std::uint64_t requests = 0;
    std::uint64_t failures = 0;
    LatencyHistogram latency_intended;
    std::vector<std::uint64_t> requests_per_bucket;
    std::map<std::int64_t, std::uint64_t> requests_per_second;
  };

  std::size_t bucket_of(fw::Duration real_now);
  void count_in(std::vector<std::uint64_t>& series, fw::Duration real_now);

  fw::Duration bucket_width_;
  std::vector<PhoneRecord> phones_;
  std::map<std::string, ServerRecord> servers_;
  std::vector<std::uint64_t> successes_per_bucket_;
  std::vector<std::uint64_t> failures_per_bucket_;
  std::uint64_t phones_powered_ = 0;
  std::uint64_t phones_converged_ = 0;
  std::uint64_t phones_succeeded_once_ = 0;
  std::uint64_t requests_ = 0;
  std::uint64_t resyncs_succeeded_ = 0;
  std::uint64_t resyncs_failed_ = 0;
  std::uint64_t targets_refused_ = 0;
  std::uint64_t trace_errors_ = 0;
  LatencyHistogram latency_intended_;
  LatencyHistogram latency_actual_;
  std::map<std::string, std::uint64_t> errors_by_err_;
  std::vector<std::string> error_lines_;
  std::vector<std::string> refused_addresses_;
  std::function<void(std::uint64_t phone)> resync_finished_callback_;
};

// A Prometheus label value with \, " and newline escaped.
std::string prometheus_label_value(std::string_view text);

}  // namespace load
