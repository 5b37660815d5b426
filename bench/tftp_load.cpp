#include "bench/tftp_load.h"

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <optional>
#include <vector>

#include "servers/provserver/asio_address.h"
#include "servers/provserver/host_clock.h"

namespace bench {
namespace {
namespace asio = boost::asio;
using asio::ip::udp;
using srv::provserver::from_asio;
using srv::provserver::to_asio;

// The largest datagram a transfer can receive: the phone offers blksize 1428, servers grant at
// most that; anything larger is cut and then fails to decode, which the client reports.
constexpr std::size_t kDatagramBytesMax = 4096;

class TftpLoad {
 public:
  explicit TftpLoad(const TftpLoadSettings& settings) : settings_(settings) {}

  TftpLoadResult run() {
    started_at_ = clock_.now();
    last_end_ = started_at_;
    window_end_ = started_at_ + settings_.window;
    slots_.reserve(settings_.clients);
    for (std::size_t i = 0; i < settings_.clients; ++i) {
      slots_.push_back(std::make_unique<Slot>(io_));
    }
    for (auto& slot : slots_)
      start_transfer(*slot);
    // Bounded whatever the server does: stop after the window plus the drain.
    asio::steady_timer stopper(io_);
    stopper.expires_at(clock_.time_point(window_end_ + settings_.drain_max));
    stopper.async_wait([this](const boost::system::error_code& error) {
      if (!error)
        io_.stop();
    });
    if (in_flight_ > 0)
      io_.run();
    for (auto& slot : slots_) {
      if (slot->client)
        ++result_.unfinished;
    }
    result_.elapsed = last_end_ - started_at_;
    return result_;
  }

 private:
  struct Slot {
    explicit Slot(asio::io_context& io) : socket(io), timer(io) {}
    udp::socket socket;
    asio::steady_timer timer;
    std::optional<fw::TftpClient> client;
    std::uint64_t generation = 0;  // which transfer the slot's pending handlers belong to
    udp::endpoint sender;
    std::array<std::uint8_t, kDatagramBytesMax> buffer{};
  };

  void start_transfer(Slot& slot) {
    const fw::Instant now = clock_.now();
    if (now >= window_end_ || started_ >= settings_.transfers_max)
      return;
    boost::system::error_code error;
    slot.socket.open(udp::v4(), error);
    if (!error)
      slot.socket.bind(udp::endpoint(asio::ip::address_v4::loopback(), 0), error);
    if (error) {
      note_failure("client socket: " + error.message());
      ++result_.failed;
      slot.socket.close(error);
      return;
    }
    ++started_;
    ++in_flight_;
    ++slot.generation;
    slot.client.emplace(
        fw::TftpClient::read(now, settings_.server, settings_.file_name, settings_.client));
    receive_next(slot);
    advance(slot);
  }

  void receive_next(Slot& slot) {
    slot.socket.async_receive_from(asio::buffer(slot.buffer), slot.sender,
                                   [this, &slot, generation = slot.generation](
                                       const boost::system::error_code& error, std::size_t size) {
                                     if (generation != slot.generation || !slot.client)
                                       return;
                                     // An ICMP port unreachable shows as an error; the client's
                                     // retransmission covers it.
                                     if (!error && slot.sender.address().is_v4()) {
                                       slot.client->handle_datagram(
                                           clock_.now(), from_asio(slot.sender),
                                           fw::ByteSpan(slot.buffer.data(), size));
                                     }
                                     if (!advance(slot))
                                       receive_next(slot);
                                   });
  }

  // Sends what the client has to send, then ends the transfer or arms its timer. True when the
  // transfer ended (the slot has moved on).
  bool advance(Slot& slot) {
    fw::TftpClient& client = *slot.client;
    while (auto datagram = client.poll_datagram()) {
      boost::system::error_code ignored;  // a lost datagram: the retransmission covers it
      slot.socket.send_to(asio::buffer(datagram->payload), to_asio(datagram->to), 0, ignored);
    }
    if (client.finished()) {
      finish(slot);
      return true;
    }
    const fw::Instant deadline = client.next_deadline();
    if (deadline != fw::Instant::never()) {
      slot.timer.expires_at(clock_.time_point(deadline));
      slot.timer.async_wait(
          [this, &slot, generation = slot.generation](const boost::system::error_code& error) {
            if (error || generation != slot.generation || !slot.client)
              return;
            slot.client->handle_deadline(clock_.now());
            advance(slot);
          });
    }
    return false;
  }

  void finish(Slot& slot) {
    result_.retransmissions += slot.client->retransmissions_total();
    auto content = slot.client->take_result();
    if (!content) {
      ++result_.failed;
      note_failure(content.error().to_string());
    } else if (*content != settings_.expected) {
      ++result_.mismatched;
      note_failure("received " + std::to_string(content->size()) + " bytes that differ from the " +
                   std::to_string(settings_.expected.size()) + "-byte file");
    } else {
      ++result_.verified;
    }
    slot.client.reset();
    ++slot.generation;
    boost::system::error_code ignored;
    slot.timer.cancel();
    slot.socket.close(ignored);
    --in_flight_;
    last_end_ = clock_.now();
    // From the event loop: the receive handler that got here is still on the stack.
    asio::post(io_, [this, &slot] {
      start_transfer(slot);
      if (in_flight_ == 0)
        io_.stop();
    });
  }

  void note_failure(std::string what) {
    if (result_.first_error.empty())
      result_.first_error = std::move(what);
  }

  const TftpLoadSettings& settings_;
  asio::io_context io_{1};
  srv::provserver::HostClock clock_;
  std::vector<std::unique_ptr<Slot>> slots_;
  fw::Instant started_at_;
  fw::Instant window_end_;
  fw::Instant last_end_;
  std::uint64_t started_ = 0;
  std::size_t in_flight_ = 0;
  TftpLoadResult result_;
};

}  // namespace

TftpLoadResult run_tftp_load(const TftpLoadSettings& settings) {
  return TftpLoad(settings).run();
}

}  // namespace bench
