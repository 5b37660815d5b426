#include "load/target_guard.h"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <charconv>

namespace load {
namespace asio = boost::asio;

namespace {

fw::Error invalid(std::string detail) { return fw::Error{fw::ErrorCode::InvalidValue, std::move(detail)}; }

bool address_is_loopback(const asio::ip::address& address) {
  if (address.is_v4()) return is_loopback(fw::Ipv4Address{address.to_v4().to_uint()});
  const asio::ip::address_v6 v6 = address.to_v6();
  if (v6.is_loopback()) return true;
  if (v6.is_v4_mapped()) {
    return is_loopback(fw::Ipv4Address{asio::ip::make_address_v4(asio::ip::v4_mapped, v6).to_uint()});
  }
  return false;
}

}  // namespace

bool is_loopback(fw::Ipv4Address address) { return (address.value >> 24) == 127; }

bool is_loopback_text(std::string_view text) {
  boost::system::error_code error;
  const asio::ip::address address = asio::ip::make_address(std::string(text), error);
  return !error && address_is_loopback(address);
}

std::vector<std::string> url_hosts(std::string_view text) {
  std::vector<std::string> hosts;
  std::size_t from = 0;
  while ((from = text.find("://", from)) != std::string_view::npos) {
    from += 3;
    std::string_view rest = text.substr(from);
    std::string host;
    if (!rest.empty() && rest.front() == '[') {
      const std::size_t close = rest.find(']');
      if (close == std::string_view::npos) continue;
      host = std::string(rest.substr(1, close - 1));
    } else {
      const std::size_t end = rest.find_first_of(":/?#] \t\n\"'<>;,|");
      host = std::string(rest.substr(0, end));
      // user@host (not used by phones, but a URL may carry it)
      if (const std::size_t at = host.rfind('@'); at != std::string::npos) host.erase(0, at + 1);
    }
    if (host.empty() || host.find('$') != std::string::npos) continue;
    if (std::find(hosts.begin(), hosts.end(), host) == hosts.end()) hosts.push_back(std::move(host));
  }
  return hosts;
}

std::string host_of_server_value(std::string_view text) {
  if (text.find("://") != std::string_view::npos) {
    auto hosts = url_hosts(text);
    return hosts.empty() ? std::string() : hosts.front();
  }
  std::string_view host = text;
  if (!host.empty() && host.front() == '[') {
    const std::size_t close = host.find(']');
    host = host.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1);
  } else if (std::count(host.begin(), host.end(), ':') == 1) {
    host = host.substr(0, host.find(':'));
  }
  if (host.find('$') != std::string_view::npos) return {};
  return std::string(host);
}

fw::Result<void> check_targets(const std::vector<std::string>& hosts, bool allow_remote) {
  if (allow_remote) return {};
  asio::io_context io;
  asio::ip::tcp::resolver resolver(io);
  for (const std::string& host : hosts) {
    boost::system::error_code error;
    auto results = resolver.resolve(host, "", error);
    if (error || results.empty()) {
      return fw::fail(fw::ErrorCode::DnsFailed,
                      "target '" + host + "' does not resolve" + (error ? ": " + error.message() : std::string()));
    }
    for (const auto& entry : results) {
      const asio::ip::address address = entry.endpoint().address();
      if (!address_is_loopback(address)) {
        return fw::fail(invalid("target '" + host + "' resolves to " + address.to_string() +
                                ", which is not loopback (127.0.0.0/8, ::1); phonesim load sends "
                                "traffic only to this machine unless --allow-remote-target is given"));
      }
    }
  }
  return {};
}

fw::Result<std::vector<fw::Ipv4Address>> parse_bind_range(std::string_view text, bool allow_remote) {
  const std::string what = "--bind '" + std::string(text) + "': ";
  std::uint32_t first = 0;
  std::uint32_t last = 0;
  if (const std::size_t slash = text.find('/'); slash != std::string_view::npos) {
    auto base = fw::Ipv4Address::parse(text.substr(0, slash));
    const std::string_view digits = text.substr(slash + 1);
    unsigned prefix = 0;
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
    if (!base || digits.empty() || error != std::errc() || end != digits.data() + digits.size() || prefix > 32) {
      return fw::fail(invalid(what + "expected ADDR, ADDR-ADDR or ADDR/N"));
    }
    const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
    first = base->value & mask;
    last = first | ~mask;
  } else if (const std::size_t dash = text.find('-'); dash != std::string_view::npos) {
    auto low = fw::Ipv4Address::parse(text.substr(0, dash));
    auto high = fw::Ipv4Address::parse(text.substr(dash + 1));
    if (!low || !high) return fw::fail(invalid(what + "expected ADDR, ADDR-ADDR or ADDR/N"));
    if (high->value < low->value) return fw::fail(invalid(what + "the range is reversed"));
    first = low->value;
    last = high->value;
  } else {
    auto single = fw::Ipv4Address::parse(text);
    if (!single) return fw::fail(invalid(what + "expected ADDR, ADDR-ADDR or ADDR/N"));
    first = last = single->value;
  }
  if (std::uint64_t{last} - first + 1 > kBindAddressesMax) {
    return fw::fail(invalid(what + "more than " + std::to_string(kBindAddressesMax) + " addresses"));
  }
  if (!allow_remote && (!is_loopback(fw::Ipv4Address{first}) || !is_loopback(fw::Ipv4Address{last}))) {
    return fw::fail(invalid(what + "not loopback (127.0.0.0/8); the phones' source addresses must be "
                                   "local to this machine"));
  }
  std::vector<fw::Ipv4Address> addresses;
  addresses.reserve(last - first + 1);
  for (std::uint64_t value = first; value <= last; ++value) {
    addresses.push_back(fw::Ipv4Address{static_cast<std::uint32_t>(value)});
  }
  return addresses;
}

}  // namespace load
