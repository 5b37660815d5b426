#pragma once

// SipListener: phoned's SIP port (--sip), a UDP socket on Boost.Asio that answers every datagram
// with fw::answer_sip_datagram() (200 / 405 / 489, nothing for malformed input) and hands each
// accepted NOTIFY event to the owner, which passes it to the agent (PhoneRuntime::sip_notify).
// The SIP logic is sans IO in firmware-core/sip/; this class is only the transport.

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "firmware-core/base/result.h"
#include "firmware-core/runtime/network_address.h"
#include "firmware-core/sip/sip_message.h"

namespace fw {

class SipListener {
 public:
  using EventHandler = std::function<void(const std::string& event)>;

  // Binds `listen` and answers datagrams on the io_context's thread; `on_event` gets each
  // accepted event, `log` (may be null) one line per refused datagram. Errors: PortInUse.
  static Result<std::unique_ptr<SipListener>> start(boost::asio::io_context& io, Endpoint listen,
                                                    EventHandler on_event, std::ostream* log);
  ~SipListener();
  SipListener(const SipListener&) = delete;
  SipListener& operator=(const SipListener&) = delete;

  std::uint16_t port() const;

 private:
  SipListener(boost::asio::io_context& io, EventHandler on_event, std::ostream* log)
      : socket_(io), on_event_(std::move(on_event)), log_(log) {}
  void receive_next();

  boost::asio::ip::udp::socket socket_;
  EventHandler on_event_;
  std::ostream* log_;
  // One byte more than the limit, so that an oversized datagram is seen as oversized.
  std::array<std::uint8_t, kSipMessageBytesMax + 1> buffer_{};
  boost::asio::ip::udp::endpoint sender_;
  std::shared_ptr<const bool> alive_ = std::make_shared<const bool>(true);
};

}  // namespace fw
