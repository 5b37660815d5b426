// The simulator's pcap export (sim/trace/pcap_writer.h through sim::Network) read by the system
// `tshark`: a TFTP read request and an HTTP exchange over a synthesized TCP stream must decode,
// with no TCP analysis warnings (sequence and acknowledgement numbers consistent). Skips when
// tshark is missing.

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "sim/platform/sim_world.h"
#include "sim/trace/pcap_writer.h"

namespace sim {
namespace {

constexpr fw::Ipv4Address kPhone{0xC0A80164};   // 192.168.1.100
constexpr fw::Ipv4Address kServer{0xC0A801C8};  // 192.168.1.200

bool have_tshark() { return std::system("command -v tshark >/dev/null 2>&1") == 0; }

std::string run(const std::string& command) {
  std::string output;
  FILE* pipe = popen((command + " 2>/dev/null").c_str(), "r");
  if (pipe == nullptr) return output;
  char buffer[4096];
  std::size_t count;
  while ((count = fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, count);
  // A bad filter must not pass as "no matching packets".
  const int status = pclose(pipe);
  if (status != 0) output += "[exit status " + std::to_string(status) + "]";
  return output;
}

// Answers one HTTP request with a small 200 and closes.
class HttpServer final : public StreamAcceptor, public StreamHandler {
 public:
  explicit HttpServer(Network& network) : network_(network) {}
  StreamHandler& on_stream_accepted(StreamEndId, fw::Endpoint, fw::Endpoint) override {
    return *this;
  }
  void on_stream_connected(StreamEndId) override {}
  void on_stream_data(StreamEndId end, fw::ByteSpan bytes) override {
    request_ += fw::as_text(bytes);
    if (request_.find("\r\n\r\n") == std::string::npos) return;
    const std::string body(3000, 'x');  // more than one segment
    network_.send(end, fw::as_bytes("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                                    "Content-Length: " + std::to_string(body.size()) +
                                    "\r\n\r\n" + body));
    network_.close(end);
  }
  void on_stream_closed(StreamEndId) override {}
  void on_stream_failed(StreamEndId, fw::StreamFailure) override {}

 private:
  Network& network_;
  std::string request_;
};

class HttpClient final : public StreamHandler {
 public:
  explicit HttpClient(Network& network) : network_(network) {}
  void on_stream_connected(StreamEndId end) override {
    network_.send(end, fw::as_bytes("GET /cfg/SEP001122334455.xml HTTP/1.1\r\n"
                                    "Host: 192.168.1.200\r\n\r\n"));
  }
  void on_stream_data(StreamEndId, fw::ByteSpan) override {}
  void on_stream_closed(StreamEndId end) override { network_.close(end); }
  void on_stream_failed(StreamEndId, fw::StreamFailure) override {}

 private:
  Network& network_;
};

class Silent final : public UdpReceiver {
 public:
  void on_udp(fw::Endpoint, fw::Endpoint, fw::ByteSpan) override {}
};

TEST(PcapTsharkInteropTest, TsharkDecodesTftpAndHttpOverSynthesizedTcp) {
  if (!have_tshark()) GTEST_SKIP() << "needs tshark on PATH";
  char pattern[] = "/tmp/phonesim-pcap-XXXXXX";
  const int descriptor = mkstemp(pattern);
  ASSERT_GE(descriptor, 0);
  close(descriptor);
  const std::string path = pattern;
  {
    std::ofstream file(path, std::ios::binary);
    PcapWriter writer(file);
    SimWorld world(7);
    world.network.set_capture(&writer);
    LinkSettings link;
    link.latency = fw::milliseconds(2);
    link.bandwidth_bytes_per_s = 1'000'000;
    world.network.set_default_link(link);
    world.network.add_host(kPhone, "phone");
    world.network.add_host(kServer, "server");
    Silent tftp_server;
    ASSERT_TRUE(world.network.open_udp(kServer, 69, tftp_server));
    world.network.send_udp({kPhone, 49152}, {kServer, 69},
                           fw::as_bytes(std::string_view("\x00\x01" "basic.txt\x00octet\x00", 17)));
    HttpServer http_server(world.network);
    HttpClient http_client(world.network);
    ASSERT_TRUE(world.network.listen({kServer, 80}, http_server));
    world.network.connect(kPhone, {kServer, 80}, http_client);
    world.engine.run_until(fw::Instant::never());
  }
  const std::string tshark = "tshark -n -r " + path;
  EXPECT_EQ(run(tshark + " -Y tftp -T fields -e tftp.source_file"), "basic.txt\n");
  EXPECT_EQ(run(tshark + " -Y http.request -T fields -e http.request.uri"),
            "/cfg/SEP001122334455.xml\n");
  EXPECT_EQ(run(tshark + " -Y http.response -T fields -e http.response.code"), "200\n");
  EXPECT_EQ(run(tshark + " -Y tcp.analysis.flags -T fields -e frame.number"), "");
  EXPECT_EQ(run(tshark + " -Y 'ip.checksum.status == 0 || tcp.checksum.status == 0' -o "
                         "ip.check_checksum:TRUE -o tcp.check_checksum:TRUE "
                         "-T fields -e frame.number"),
            "");
  // ... and the checksums were really checked: every TCP packet's is good.
  EXPECT_EQ(run(tshark + " -Y 'tcp.checksum.status != 1' -o tcp.check_checksum:TRUE -T fields "
                         "-e frame.number"),
            "");
  EXPECT_NE(run(tshark + " -Y 'tcp.checksum.status == 1' -o tcp.check_checksum:TRUE -T fields "
                         "-e frame.number"),
            "");
  std::remove(path.c_str());
}

}  // namespace
}  // namespace sim
