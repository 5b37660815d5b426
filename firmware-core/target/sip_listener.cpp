#include "firmware-core/target/sip_listener.h"

#include <boost/asio/buffer.hpp>

#include "firmware-core/base/bytes.h"
#include "firmware-core/sip/sip_notify.h"

namespace fw {
namespace asio = boost::asio;
using asio::ip::udp;

Result<std::unique_ptr<SipListener>> SipListener::start(asio::io_context& io, Endpoint listen,
                                                        EventHandler on_event, std::ostream* log) {
  std::unique_ptr<SipListener> listener(new SipListener(io, std::move(on_event), log));
  boost::system::error_code error;
  listener->socket_.open(udp::v4(), error);
  if (!error) {
    listener->socket_.bind(udp::endpoint(asio::ip::address_v4(listen.address.value), listen.port),
                           error);
  }
  if (error) return fail(ErrorCode::PortInUse, "sip " + listen.to_string() + ": " + error.message());
  listener->receive_next();
  return listener;
}

SipListener::~SipListener() {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

std::uint16_t SipListener::port() const {
  boost::system::error_code error;
  auto endpoint = socket_.local_endpoint(error);
  return error ? 0 : endpoint.port();
}

void SipListener::receive_next() {
  socket_.async_receive_from(
      asio::buffer(buffer_), sender_,
      [this, alive = std::weak_ptr<const bool>(alive_)](const boost::system::error_code& error,
                                                         std::size_t size) {
        if (alive.expired() || error == asio::error::operation_aborted) return;
        if (!error) {
          SipNotifyAnswer answer = answer_sip_datagram(ByteSpan(buffer_.data(), size));
          if (answer.error && log_) {
            *log_ << "phoned: sip from " << sender_.address().to_string() << ':'
                  << sender_.port() << ": " << answer.error->to_string() << "\n";
          }
          if (!answer.reply.empty()) {
            boost::system::error_code ignored;  // a lost reply is retransmitted by the sender
            socket_.send_to(asio::buffer(answer.reply), sender_, 0, ignored);
          }
          if (answer.event) on_event_(*answer.event);
        }
        receive_next();
      });
}

}  // namespace fw
