#pragma once

// The guide's reflector (provisioning-methods.de.txt, "HTTPS-Server für Clientfilterung und
// dynamischen Inhalt konfigurieren", the reflect.pl script at lines 541-551): a handler that
// answers a phone with a flat profile carrying its client certificate's fields in GPP_D, so the
// administrator can check which certificate the phone presented.

#include <optional>
#include <string>
#include <string_view>

#include "servers/http/http_server.h"

namespace srv {

// The body reflect.pl prints for `certificate` (after its "Content-Type: text/plain" header):
//   <flat-profile><GPP_D>OU=<OU>, \nL=<L>, \nS=<S> \n</GPP_D></flat-profile>
// The script reads Apache's SSL_CLIENT_I_DN_* (issuer) variables, but step 10 of the guide says
// GPP_D then holds the product name, MAC address and serial number — the MIC's subject
// (decisions.md "Client certificate subject"); we reflect the subject. "S" is the state field,
// ST in RFC 2253 names. A field the certificate lacks prints empty, as Perl prints an unset
// variable.
std::string reflector_profile(const fw::PeerCertificate& certificate);

// An HttpRequestHook that answers GET/HEAD of `path` (the request target without its query,
// "/cgi-bin/reflect.pl" by default) with reflector_profile() as text/plain, and lets every
// other request through (nullopt). A request without a client certificate gets 403, as a
// server requiring client certificates would refuse it.
class Reflector {
 public:
  explicit Reflector(std::string path = "/cgi-bin/reflect.pl") : path_(std::move(path)) {}
  std::optional<HttpReply> operator()(const HttpRequestInfo& request) const;

 private:
  std::string path_;
};

}  // namespace srv
