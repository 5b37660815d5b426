#pragma once

// Conversions between the cores' IPv4 endpoints and Boost.Asio's.

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>

#include "firmware-core/runtime/network_address.h"

namespace srv::provserver {

inline boost::asio::ip::address_v4 to_asio(fw::Ipv4Address address) {
  return boost::asio::ip::address_v4(address.value);
}
inline boost::asio::ip::udp::endpoint to_asio(fw::Endpoint endpoint) {
  return {to_asio(endpoint.address), endpoint.port};
}
// The caller checks that the address is IPv4 (the sockets are opened for IPv4 only).
template <class Endpoint>
fw::Endpoint from_asio(const Endpoint& endpoint) {
  return {fw::Ipv4Address{endpoint.address().to_v4().to_uint()}, endpoint.port()};
}

}  // namespace srv::provserver
