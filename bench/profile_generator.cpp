#include "bench/profile_generator.h"

#include <array>
#include <cstdio>
#include <string_view>

namespace bench {
namespace {

// SplitMix64: tiny, seedable and identical on every platform (std:: distributions are not).
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform-enough in [0, bound) for a benchmark's choices.
  std::size_t below(std::size_t bound) { return static_cast<std::size_t>(next() % bound); }
  bool one_in(std::size_t n) { return below(n) == 0; }

  template <class T, std::size_t kSize>
  const T& pick(const std::array<T, kSize>& items) {
    return items[below(kSize)];
  }

 private:
  std::uint64_t state_;
};

constexpr std::size_t kLinesMax = 10;

// Shares of the generated elements (1 in N).
constexpr std::size_t kUnknownOneIn = 3;
constexpr std::size_t kAccessOneIn = 2;    // carries ua="na|ro|rw"
constexpr std::size_t kInvalidOneIn = 50;  // a known parameter with a value it rejects

enum class ValueKind : std::uint8_t {
  YesNo,
  Port,
  Integer,
  Host,
  Url,
  Tone,
  DialPlan,
  Ring,
  Empty
};

// Parameters of a real SPA/MPP dump that our registry does not model. Per-line ones get "_n_".
struct UnknownParameter {
  std::string_view name;
  bool per_line;
  ValueKind kind;
};

constexpr std::array<UnknownParameter, 16> kUnknownParameters = {{
    {"Dial_Plan_", true, ValueKind::DialPlan},
    {"SIP_Port_", true, ValueKind::Port},
    {"Proxy_", true, ValueKind::Host},
    {"Register_Expires_", true, ValueKind::Integer},
    {"Use_Outbound_Proxy_", true, ValueKind::YesNo},
    {"Auth_ID_", true, ValueKind::Empty},
    {"Voice_Mail_Server_", true, ValueKind::Host},
    {"Dial_Tone", false, ValueKind::Tone},
    {"Busy_Tone", false, ValueKind::Tone},
    {"Distinctive_Ring_Cadence_", true, ValueKind::Ring},
    {"Call_Waiting_Serv", false, ValueKind::YesNo},
    {"Primary_NTP_Server", false, ValueKind::Host},
    {"Caller_ID_Map_", true, ValueKind::DialPlan},
    {"Directory_URL", false, ValueKind::Url},
    {"RTP_Port_Min", false, ValueKind::Port},
    {"Block_ANC_Serv", false, ValueKind::YesNo},
}};

constexpr std::array<std::string_view, 3> kAccessTexts = {"na", "ro", "rw"};
constexpr std::array<std::string_view, 4> kHosts = {"prov.example.com", "10.1.20.5",
                                                    "sip.voip.example.net", "192.0.2.17"};
constexpr std::array<std::string_view, 3> kUrls = {
    "https://prov.example.com/cfg/$PSN/$MA.xml", "http://10.1.20.5:6970/$MA.cfg",
    "https://dir.example.com/xml/directory?id=$MA&amp;line=1"};
constexpr std::array<std::string_view, 2> kTones = {"350@-19,440@-19;10(*/0/1+2)",
                                                    "480@-19,620@-19;10(.5/.5/1+2)"};
constexpr std::array<std::string_view, 2> kDialPlans = {
    "(*xx|[3469]11|0|00|[2-9]xxxxxx|1xxx[2-9]xxxxxxS0|xxxxxxxxxxxx.)",
    "(&lt;:1408&gt;[2-9]xxxxxx|&lt;9,:&gt;xx.|*xx|[1-8]xxx)"};
constexpr std::array<std::string_view, 5> kSchedules = {"3600", "600,1200+300", "60,120,240+60",
                                                        "0", "86400"};
constexpr std::array<std::string_view, 3> kRules = {
    "[--key $SB] https://prov.example.com/cfg/$PSN/$MA.xml", "/$PSN.xml",
    "http://10.1.20.5/cfg/$MA.xml"};

void append_kind_value(std::string& out, ValueKind kind, Random& random) {
  switch (kind) {
    case ValueKind::YesNo:
      out += random.one_in(2) ? "Yes" : "No";
      break;
    case ValueKind::Port:
      out += std::to_string(5060 + random.below(20) * 2);
      break;
    case ValueKind::Integer:
      out += std::to_string(random.below(7200));
      break;
    case ValueKind::Host:
      out += random.pick(kHosts);
      break;
    case ValueKind::Url:
      out += random.pick(kUrls);
      break;
    case ValueKind::Tone:
      out += random.pick(kTones);
      break;
    case ValueKind::DialPlan:
      out += random.pick(kDialPlans);
      break;
    case ValueKind::Ring:
      out += "n=Classic-1;w=3;c=1";
      break;
    case ValueKind::Empty:
      break;
  }
}

// Text parameters are recognised by name, so that values look like what a server sends.
void append_text_value(std::string& out, const fw::ParamSpec& spec, Random& random) {
  const std::string_view name = spec.name;
  if (spec.secret) {
    out += "S3cret-" + std::to_string(random.below(100000));
  } else if (name.find("Rule") != std::string_view::npos) {
    out += random.pick(kRules);
  } else if (name.starts_with("Log_")) {
    out += "$PN $MAC -- Requesting resync $SCHEME://$SERVIP:$PORT$PATH";
  } else if (name.find("Server") != std::string_view::npos) {
    out += random.pick(kHosts);
  } else if (name.starts_with("GPP_")) {
    out += random.one_in(2) ? random.pick(kDialPlans) : std::to_string(random.below(100000000));
  } else if (name.starts_with("User_ID_")) {
    out += std::to_string(4000 + random.below(1000));
  } else if (name.starts_with("Display_Name_")) {
    out += "Desk " + std::to_string(random.below(1000));
  } else if (name.starts_with("Resync_Trigger_")) {
    out += "$REGTMR1 gt 300";
  } else {
    out += "v-" + std::to_string(random.below(1000));
  }
}

void append_known_value(std::string& out, const fw::ParamSpec& spec, Random& random) {
  if (random.one_in(kInvalidOneIn) && spec.type != fw::ValueType::Text) {
    out += "bogus";
    return;
  }
  switch (spec.type) {
    case fw::ValueType::Boolean:
      out += random.one_in(2) ? "Yes" : "No";
      break;
    case fw::ValueType::Integer: {
      const auto span = static_cast<std::size_t>(spec.integer_max - spec.integer_min) + 1;
      out += std::to_string(spec.integer_min + static_cast<std::int64_t>(random.below(span)));
      break;
    }
    case fw::ValueType::Hhmm:
      if (!random.one_in(3)) {
        const std::size_t minutes = random.below(24 * 60);
        // Room for any size_t: the compiler cannot see that minutes < 1440.
        char hhmm[48];
        std::snprintf(hhmm, sizeof hhmm, "%02zu%02zu", minutes / 60, minutes % 60);
        out += hhmm;
      }
      break;
    case fw::ValueType::Schedule:
      out += random.pick(kSchedules);
      break;
    case fw::ValueType::Enumeration:
      out += spec.choices[random.below(spec.choices.size())];
      break;
    case fw::ValueType::IntegerList:
      out += random.one_in(2) ? "66,160,159" : "66,150";
      break;
    case fw::ValueType::Text:
      append_text_value(out, spec, random);
      break;
  }
}

void append_element(std::string& out, std::string_view name, std::string_view value,
                    Random& random) {
  out += "  <";
  out += name;
  if (random.one_in(kAccessOneIn)) {
    out += " ua=\"";
    out += random.pick(kAccessTexts);
    out += '"';
  }
  if (value.empty()) {
    out += "/>\n";
    return;
  }
  out += '>';
  out += value;
  out += "</";
  out += name;
  out += ">\n";
}

}  // namespace

std::string generate_profile(const fw::ParameterRegistry& registry, const ProfileShape& shape) {
  Random random(shape.seed);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<flat-profile>\n";
  std::string name;
  std::string value;
  for (std::size_t i = 0; i < shape.elements; ++i) {
    value.clear();
    if (random.one_in(kUnknownOneIn)) {
      const UnknownParameter& unknown = random.pick(kUnknownParameters);
      name = unknown.name;
      if (unknown.per_line)
        name += std::to_string(1 + random.below(kLinesMax)) + "_";
      append_kind_value(value, unknown.kind, random);
    } else {
      const fw::ParamSpec& spec =
          registry.spec(static_cast<fw::ParamId>(random.below(registry.size())));
      name = spec.name;
      append_known_value(value, spec, random);
    }
    append_element(out, name, value, random);
  }
  out += "</flat-profile>\n";
  return out;
}

std::vector<std::string> unknown_parameter_names() {
  std::vector<std::string> names;
  for (const UnknownParameter& unknown : kUnknownParameters) {
    if (!unknown.per_line) {
      names.emplace_back(unknown.name);
      continue;
    }
    for (std::size_t line = 1; line <= kLinesMax; ++line)
      names.push_back(std::string(unknown.name) + std::to_string(line) + "_");
  }
  return names;
}

}  // namespace bench
