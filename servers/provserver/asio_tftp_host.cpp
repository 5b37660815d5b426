#include "servers/provserver/asio_tftp_host.h"

#include "servers/provserver/asio_address.h"

namespace srv::provserver {
namespace asio = boost::asio;
using asio::ip::udp;

namespace {
// The largest UDP payload: a client asking for a 65464-byte block still fits.
constexpr std::size_t kDatagramBytesMax = 65536;
}  // namespace

struct AsioTftpHost::Port {
  Port(asio::io_context& io, TransferId id) : socket(io), transfer(id) {}
  udp::socket socket;
  TransferId transfer;
  bool open = true;  // false once closed: a completion still queued must not touch the core
  udp::endpoint sender;
  std::array<std::uint8_t, kDatagramBytesMax> buffer;  // not zeroed: 64 KiB per transfer
};

fw::Result<std::unique_ptr<AsioTftpHost>> AsioTftpHost::start(asio::io_context& io,
                                                              const HostClock& clock,
                                                              fw::Endpoint listen, TftpRoot& root,
                                                              TftpServerSettings settings,
                                                              RecordObserver on_record,
                                                              TftpRequestHook hook) {
  std::unique_ptr<AsioTftpHost> host(new AsioTftpHost(io, clock, listen, root, std::move(settings),
                                                       std::move(on_record), std::move(hook)));
  boost::system::error_code error;
  udp::socket& socket = host->well_known_->socket;
  socket.open(udp::v4(), error);
  if (!error) socket.bind(udp::endpoint(to_asio(listen.address), listen.port), error);
  if (error) {
    return fw::fail(fw::ErrorCode::PortInUse,
                    "tftp " + listen.to_string() + ": " + error.message());
  }
  host->receive_next(host->well_known_);
  return host;
}

AsioTftpHost::AsioTftpHost(asio::io_context& io, const HostClock& clock, fw::Endpoint listen,
                           TftpRoot& root, TftpServerSettings settings, RecordObserver on_record,
                           TftpRequestHook hook)
    : io_(io),
      clock_(clock),
      listen_(listen),
      server_(root, std::move(settings), std::move(hook)),
      on_record_(std::move(on_record)),
      well_known_(std::make_shared<Port>(io, kListeningTransfer)),
      timer_(io) {}

AsioTftpHost::~AsioTftpHost() {
  boost::system::error_code ignored;
  well_known_->open = false;
  well_known_->socket.close(ignored);
  for (auto& [id, port] : transfer_ports_) {
    port->open = false;
    port->socket.close(ignored);
  }
  timer_.cancel();
}

std::uint16_t AsioTftpHost::port() const {
  boost::system::error_code error;
  auto endpoint = well_known_->socket.local_endpoint(error);
  return error ? 0 : endpoint.port();
}

void AsioTftpHost::receive_next(const std::shared_ptr<Port>& port) {
  port->socket.async_receive_from(
      asio::buffer(port->buffer), port->sender,
      [this, port](const boost::system::error_code& error, std::size_t size) {
        if (!port->open || error == asio::error::operation_aborted) return;
        if (!error && port->sender.address().is_v4()) {
          const fw::Endpoint from = from_asio(port->sender);
          const fw::ByteSpan payload(port->buffer.data(), size);
          if (port->transfer == kListeningTransfer) {
            server_.handle_request(clock_.now(), from, payload);
          } else {
            server_.handle_transfer_datagram(clock_.now(), port->transfer, from, payload);
          }
          pump();
        }
        // An ICMP port unreachable from a vanished client shows up as an error here; the
        // socket stays usable, so keep listening unless the core closed it meanwhile.
        if (port->open) receive_next(port);
      });
}

void AsioTftpHost::pump() {
  while (auto datagram = server_.poll_datagram()) {
    std::shared_ptr<Port> port = well_known_;
    if (datagram->transfer != kListeningTransfer) {
      auto known = transfer_ports_.find(datagram->transfer);
      if (known == transfer_ports_.end()) {
        auto fresh = std::make_shared<Port>(io_, datagram->transfer);
        boost::system::error_code error;
        fresh->socket.open(udp::v4(), error);
        if (!error) fresh->socket.bind(udp::endpoint(to_asio(listen_.address), 0), error);
        if (error) continue;  // no free port: the datagram is lost, the client retransmits
        known = transfer_ports_.emplace(datagram->transfer, fresh).first;
        receive_next(fresh);
      }
      port = known->second;
    }
    // UDP is best effort: a failed send is a lost datagram, which the core's retransmission
    // covers.
    boost::system::error_code ignored;
    port->socket.send_to(asio::buffer(datagram->payload), to_asio(datagram->to), 0, ignored);
  }
  while (auto closed = server_.poll_closed_transfer()) {
    auto known = transfer_ports_.find(*closed);
    if (known == transfer_ports_.end()) continue;
    boost::system::error_code ignored;
    known->second->open = false;
    known->second->socket.close(ignored);
    transfer_ports_.erase(known);
  }
  while (auto record = server_.poll_record()) {
    if (on_record_) on_record_(*record);
  }
  const fw::Instant deadline = server_.next_deadline();
  if (deadline == armed_) return;
  armed_ = deadline;
  if (deadline == fw::Instant::never()) {
    timer_.cancel();
    return;
  }
  timer_.expires_at(clock_.time_point(deadline));
  timer_.async_wait([this, deadline](const boost::system::error_code& error) {
    if (error || armed_ != deadline) return;  // cancelled or re-armed since
    armed_ = fw::Instant::never();
    server_.handle_deadline(clock_.now());
    pump();
  });
}

}  // namespace srv::provserver
