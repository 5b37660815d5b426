#include "servers/http/reflector.h"

namespace srv {

namespace {

std::string_view subject_field(const fw::PeerCertificate& certificate, std::string_view name) {
  for (const auto& [field, value] : certificate.subject_fields) {
    if (field == name) return value;
  }
  return {};
}

}  // namespace

std::string reflector_profile(const fw::PeerCertificate& certificate) {
  std::string body = "<flat-profile><GPP_D>";
  body += "OU=" + std::string(subject_field(certificate, "OU")) + ", \n";
  body += "L=" + std::string(subject_field(certificate, "L")) + ", \n";
  body += "S=" + std::string(subject_field(certificate, "ST")) + " \n";
  body += "</GPP_D></flat-profile>";
  return body;
}

std::optional<HttpReply> Reflector::operator()(const HttpRequestInfo& request) const {
  std::string_view path = request.target.substr(0, request.target.find('?'));
  if (path != path_ || (request.method != "GET" && request.method != "HEAD")) {
    return std::nullopt;
  }
  HttpReply reply;
  if (request.peer_certificate == nullptr) {
    reply.status = 403;
    return reply;
  }
  std::string body = reflector_profile(*request.peer_certificate);
  reply.headers.push_back({"Content-Type", "text/plain"});
  reply.body.assign(body.begin(), body.end());
  return reply;
}

}  // namespace srv
