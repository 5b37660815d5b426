#include "firmware-core/config/parameter_registry.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <cstring>
#include <utility>

#include "firmware-core/config/parameter_value.h"

namespace fw {

std::string_view access_text(Access access) {
  switch (access) {
    case Access::NoAccess:
      return "na";
    case Access::ReadOnly:
      return "ro";
    case Access::ReadWrite:
      return "rw";
  }
  return "na";
}

std::optional<Access> parse_access(std::string_view text) {
  if (text.size() != 2)
    return std::nullopt;
  auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
  const char a = lower(text[0]);
  const char b = lower(text[1]);
  if (a == 'n' && b == 'a')
    return Access::NoAccess;
  if (a == 'r' && b == 'o')
    return Access::ReadOnly;
  if (a == 'r' && b == 'w')
    return Access::ReadWrite;
  return std::nullopt;
}

namespace {

// The admin guide documents MIC_Cert_Refresh_Rule as a URL of at most 1024 characters.
constexpr std::uint32_t kMicCertRefreshRuleBytesMax = 1024;

// --- Enumerations -------------------------------------------------------------------------------
// Canonical spellings are what the English web UI and cfg.xml dumps show; aliases are the German
// UI labels used in provisioning-methods.de.txt (matching is case-insensitive, so "Header" and
// "ID" need no alias).

constexpr std::array<std::string_view, 3> kProfileAuthenticationChoices = {
    "Disabled", "Basic Http Authentication", "XSI Authentication"};
constexpr std::array<EnumAlias, 5> kProfileAuthenticationAliases = {{
    {"Deaktiviert", 0},
    {"Grundlegende HTTP-Authentifizierung", 1},
    {"HTTP-Basisauthentifizierung", 1},
    {"Basic HTTP", 1},
    {"XSI-Authentifizierung", 2},
}};

constexpr std::array<std::string_view, 5> kSyslogIdentifierChoices = {"None", "$MA", "$MAU", "$MAC",
                                                                      "$SN"};
constexpr std::array<EnumAlias, 1> kSyslogIdentifierAliases = {{{"Keine", 0}}};

// The report rule's HTTP method (MPP "HTTP Report Method"; SPA always posts, so POST is the
// default).
constexpr std::array<std::string_view, 2> kHttpReportMethodChoices = {"POST", "PUT"};
constexpr std::array<EnumAlias, 0> kNoAliases = {};

constexpr std::array<std::string_view, 6> kPrivacyHeaderChoices = {"Disabled", "none", "header",
                                                                   "session",  "user", "id"};
constexpr std::array<EnumAlias, 5> kPrivacyHeaderAliases = {{
    {"Deaktiviert", 0},
    {"Keine", 1},
    {"Kopfzeile", 2},
    {"Sitzung", 3},
    {"Benutzer", 4},
}};

// --- Constructors for table rows ----------------------------------------------------------------

constexpr ParamSpec boolean(std::string_view name, std::string_view default_value,
                            Access access = Access::NoAccess) {
  ParamSpec spec{};
  spec.name = name;
  spec.type = ValueType::Boolean;
  spec.default_value = default_value;
  spec.default_access = access;
  return spec;
}

constexpr ParamSpec integer(std::string_view name, std::string_view default_value, std::int64_t min,
                            std::int64_t max) {
  ParamSpec spec{};
  spec.name = name;
  spec.type = ValueType::Integer;
  spec.default_value = default_value;
  spec.integer_min = min;
  spec.integer_max = max;
  return spec;
}

constexpr ParamSpec integer_list(std::string_view name, std::string_view default_value,
                                 std::int64_t min, std::int64_t max) {
  ParamSpec spec = integer(name, default_value, min, max);
  spec.type = ValueType::IntegerList;
  return spec;
}

constexpr ParamSpec schedule(std::string_view name, std::string_view default_value) {
  ParamSpec spec{};
  spec.name = name;
  spec.type = ValueType::Schedule;
  spec.default_value = default_value;
  return spec;
}

constexpr ParamSpec hhmm(std::string_view name) {
  ParamSpec spec{};
  spec.name = name;
  spec.type = ValueType::Hhmm;
  return spec;
}

constexpr ParamSpec text(std::string_view name, std::string_view default_value = "",
                         std::uint32_t bytes_max = kTextBytesMax,
                         Access access = Access::NoAccess) {
  ParamSpec spec{};
  spec.name = name;
  spec.type = ValueType::Text;
  spec.default_value = default_value;
  spec.default_access = access;
  spec.text_bytes_max = bytes_max;
  return spec;
}

constexpr ParamSpec http_url_text(std::string_view name, std::string_view default_value,
                                  std::uint32_t bytes_max) {
  ParamSpec spec = text(name, default_value, bytes_max);
  spec.http_url = true;
  return spec;
}

constexpr ParamSpec secret(std::string_view name, std::uint32_t bytes_max = kNameBytesMax,
                           Access access = Access::NoAccess) {
  ParamSpec spec = text(name, "", bytes_max, access);
  spec.secret = true;
  return spec;
}

template <std::size_t kChoices, std::size_t kAliases>
constexpr ParamSpec enumeration(std::string_view name, std::string_view default_value,
                                const std::array<std::string_view, kChoices>& choices,
                                const std::array<EnumAlias, kAliases>& aliases) {
  ParamSpec spec{};
  spec.name = name;
  spec.type = ValueType::Enumeration;
  spec.default_value = default_value;
  spec.choices = choices;
  spec.aliases = aliases;
  return spec;
}

// Per-line copies carry the line number as "_n_" (reference §4.1). Macros because the names must
// be string literals for a constexpr table.
#define FW_LINE_PARAMS(n)                                                 \
  text("User_ID_" #n "_", "", kNameBytesMax),                             \
      text("Display_Name_" #n "_", "", kNameBytesMax, Access::ReadWrite), \
      boolean("Line_Enable_" #n "_", "Yes"), secret("Password_" #n "_")

#define FW_PRIVACY_HEADER(n) \
  enumeration("Privacy_Header_" #n "_", "Disabled", kPrivacyHeaderChoices, kPrivacyHeaderAliases)

constexpr ParamSpec kBuiltinParams[] = {
    // Configuration profile (reference §5).
    boolean("Provision_Enable", "Yes"),
    boolean("Resync_On_Reset", "Yes"),
    integer("Resync_Random_Delay", "2", 0, 65535),
    hhmm("Resync_At__HHmm_"),
    integer("Resync_At_Random_Delay", "600", 0, 65535),
    schedule("Resync_Periodic", "3600"),
    schedule("Resync_Error_Retry_Delay",
             "60,120,240,480,960,1920,3840,7680,15360,30720,61440,86400"),
    integer("Forced_Resync_Delay", "14400", 0, 65535),
    boolean("Resync_From_SIP", "Yes"),
    boolean("Resync_After_Upgrade_Attempt", "Yes"),
    text("Resync_Trigger_1"),
    text("Resync_Trigger_2"),
    boolean("User_Configurable_Resync", "Yes"),
    boolean("Resync_Fails_On_FNF", "Yes"),
    enumeration("Profile_Authentication_Type", "Basic Http Authentication",
                kProfileAuthenticationChoices, kProfileAuthenticationAliases),
    text("Profile_Rule", "/$PSN.xml", kRuleBytesMax),
    text("Profile_Rule_B", "", kRuleBytesMax),
    text("Profile_Rule_C", "", kRuleBytesMax),
    text("Profile_Rule_D", "", kRuleBytesMax),
    // phonesim extension: where a gds:// Profile_Rule sends activation codes (reference §8:
    // activation.webex.com); tests and labs point it at their own service.
    text("Activation_Service_Url", "https://activation.webex.com/activate", kRuleBytesMax),
    integer_list("DHCP_Option_To_Use", "66,160,159,150,60,43,125", 1, 254),
    integer_list("DHCPv6_Option_To_Use", "17,160,159", 1, 65535),
    // Firmware upgrade.
    boolean("Upgrade_Enable", "Yes"),
    schedule("Upgrade_Error_Retry_Delay", "3600"),
    text("Downgrade_Rev_Limit", "", kNameBytesMax),
    text("Upgrade_Rule", "", kRuleBytesMax),
    // Report rule: upload the configuration (reference §5; the XML names there are uncertain).
    text("Report_Rule", "", kRuleBytesMax),
    enumeration("HTTP_Report_Method", "POST", kHttpReportMethodChoices, kNoAliases),
    // Syslog and debug (reference §6, decisions.md for the success template).
    text("Syslog_Server", "", kNameBytesMax),
    enumeration("Syslog_Identifier", "None", kSyslogIdentifierChoices, kSyslogIdentifierAliases),
    text("Debug_Server", "", kNameBytesMax),
    integer("Debug_Level", "0", 0, 3),
    text("Log_Request_Msg", "$PN $MAC -- Requesting resync $SCHEME://$SERVIP:$PORT$PATH"),
    text("Log_Success_Msg", "$PN $MAC -- Successful resync $SCHEME://$SERVIP:$PORT$PATH"),
    text("Log_Failure_Msg", "$PN $MAC -- Resync failed: $ERR"),
    text("Log_Upgrade_Request_Msg", "$PN $MAC -- Requesting upgrade $SCHEME://$SERVIP:$PORT$PATH"),
    text("Log_Upgrade_Success_Msg",
         "$PN $MAC -- Successful upgrade $SCHEME://$SERVIP:$PORT$PATH -- $ERR"),
    text("Log_Upgrade_Failure_Msg", "$PN $MAC -- Upgrade failed: $ERR"),
    // General purpose parameters, macros $A..$P and the secret $SA..$SD.
    text("GPP_A"),
    text("GPP_B"),
    text("GPP_C"),
    text("GPP_D"),
    text("GPP_E"),
    text("GPP_F"),
    text("GPP_G"),
    text("GPP_H"),
    text("GPP_I"),
    text("GPP_J"),
    text("GPP_K"),
    text("GPP_L"),
    text("GPP_M"),
    text("GPP_N"),
    text("GPP_O"),
    text("GPP_P"),
    secret("GPP_SA", kTextBytesMax),
    secret("GPP_SB", kTextBytesMax),
    secret("GPP_SC", kTextBytesMax),
    secret("GPP_SD", kTextBytesMax),
    // Certificates and other provisioning features.
    text("Custom_CA_Rule", "", kRuleBytesMax),
    boolean("MIC_Cert_Refresh_Enable", "No"),
    http_url_text("MIC_Cert_Refresh_Rule", "http://sudirenewal.cisco.com/",
                  kMicCertRefreshRuleBytesMax),
    text("Cisco_Headset_Upgrade_Rule", "", kRuleBytesMax),
    FW_PRIVACY_HEADER(1),
    FW_PRIVACY_HEADER(2),
    FW_PRIVACY_HEADER(3),
    FW_PRIVACY_HEADER(4),
    FW_PRIVACY_HEADER(5),
    FW_PRIVACY_HEADER(6),
    FW_PRIVACY_HEADER(7),
    FW_PRIVACY_HEADER(8),
    FW_PRIVACY_HEADER(9),
    FW_PRIVACY_HEADER(10),
    text("HTTP_User_Agent_Name", "", kNameBytesMax),
    secret("IKM_HTTP_Encrypt_Content", kTextBytesMax),
    boolean("Peer_Firmware_Sharing", "Yes"),
    // Lines and users.
    FW_LINE_PARAMS(1),
    FW_LINE_PARAMS(2),
    FW_LINE_PARAMS(3),
    FW_LINE_PARAMS(4),
    FW_LINE_PARAMS(5),
    FW_LINE_PARAMS(6),
    FW_LINE_PARAMS(7),
    FW_LINE_PARAMS(8),
    FW_LINE_PARAMS(9),
    FW_LINE_PARAMS(10),
    secret("Admin_Passwd"),
    secret("User_Password", kNameBytesMax, Access::ReadWrite),
};

#undef FW_LINE_PARAMS
#undef FW_PRIVACY_HEADER

static_assert(std::size(kBuiltinParams) < 0xFFFF, "ParamId and the empty slot marker are 16 bit");

// A seeded hash that reads names 8 bytes at a time (for names shorter than 8 or longer than 24
// bytes; a name of 8 bytes or more reads its last partial word as its final 8 bytes,
// overlapping). The result is
// multiplied once more and its high half folded onto the low one, where the slot is taken: a
// product's low bits depend only on the factors' low bits, and without that step the builtin
// table needed 512 Ki slots (1 MiB, built in 577 tries at every start) instead of 2 Ki. The slot
// layout depends on byte order, but nothing observable depends on the slot layout.
std::uint64_t hash_any_length(std::string_view name, std::uint64_t seed) {
  constexpr std::uint64_t kMultiplier = 0xBF58476D1CE4E5B9ull;
  std::uint64_t hash = seed ^ (name.size() * 0x9E3779B97F4A7C15ull);
  const char* bytes = name.data();
  std::size_t left = name.size();
  for (; left >= 8; bytes += 8, left -= 8) {
    std::uint64_t word;
    std::memcpy(&word, bytes, 8);  // a constant size: compiled to one load
    hash = (hash ^ word) * kMultiplier;
    hash ^= hash >> 31;
  }
  if (left > 0) {
    std::uint64_t tail = 0;
    if (name.size() >= 8) {
      std::memcpy(&tail, name.data() + name.size() - 8, 8);  // the last 8 bytes, overlapping
    } else {
      for (std::size_t i = 0; i < left; ++i)
        tail |= static_cast<std::uint64_t>(static_cast<std::uint8_t>(bytes[i])) << (8 * i);
    }
    hash = (hash ^ tail) * kMultiplier;
    hash ^= hash >> 31;
  }
  hash *= 0x9E3779B97F4A7C15ull;
  return hash ^ (hash >> 32);
}

// Names of 8 to 24 bytes (nearly all: "Profile_Rule", "Resync_Error_Retry_Delay") as three
// overlapping words at offsets that depend on the length only: [0, 8), [n/2 - 4, n/2 + 4) and
// [n - 8, n) hold every byte, so two such names of one length are equal exactly when their words
// are. find() hashes and compares them without a loop or a memcmp call.
constexpr std::size_t kWordsBytesMin = 8;
constexpr std::size_t kWordsBytesMax = 24;

struct NameWords {
  std::uint64_t first, middle, last;
  bool operator==(const NameWords&) const = default;
};

bool has_words(std::string_view name) {
  return name.size() - kWordsBytesMin <= kWordsBytesMax - kWordsBytesMin;
}

NameWords words_of(std::string_view name) {
  NameWords words;
  const char* bytes = name.data();
  std::memcpy(&words.first, bytes, 8);
  std::memcpy(&words.middle, bytes + name.size() / 2 - 4, 8);
  std::memcpy(&words.last, bytes + name.size() - 8, 8);
  return words;
}

// The three words multiplied independently (no chain through the name), then folded.
std::uint64_t hash_words(const NameWords& words, std::size_t size, std::uint64_t seed) {
  std::uint64_t hash = seed ^ (size * 0x9E3779B97F4A7C15ull);
  hash ^= words.first * 0xBF58476D1CE4E5B9ull;
  hash ^= std::rotl(words.middle * 0x94D049BB133111EBull, 21);
  hash ^= std::rotl(words.last * 0xD6E8FEB86659FD93ull, 42);
  hash *= 0x9E3779B97F4A7C15ull;
  return hash ^ (hash >> 32);
}

std::uint64_t hash_name(std::string_view name, std::uint64_t seed) {
  return has_words(name) ? hash_words(words_of(name), name.size(), seed) : hash_any_length(name, seed);
}

}  // namespace

const ParameterRegistry& ParameterRegistry::builtin() {
  static const ParameterRegistry registry{std::span<const ParamSpec>(kBuiltinParams)};
  return registry;
}

ParameterRegistry::ParameterRegistry(std::span<const ParamSpec> specs) : specs_(specs) {
  assert(specs.size() < kEmptySlot);
  // Duplicate names would collide under every seed; they are a programmer error in a static
  // table. Without assertions the first of them wins.
  std::vector<std::pair<std::string_view, std::size_t>> by_name;
  by_name.reserve(specs.size());
  for (std::size_t id = 0; id < specs.size(); ++id) {
    by_name.emplace_back(specs[id].name, id);
  }
  std::sort(by_name.begin(), by_name.end());
  std::vector<bool> duplicate(specs.size(), false);
  for (std::size_t i = 1; i < by_name.size(); ++i) {
    if (by_name[i].first == by_name[i - 1].first) {
      assert(false && "duplicate parameter name");
      duplicate[by_name[i].second] = true;
    }
  }
  // A perfect hash: try seeds, growing the table when needed, until every name has a slot of
  // its own. Built once per process; find() is then one hash, one slot and one comparison.
  std::size_t capacity = 8;
  while (capacity < specs.size() * 8) {
    capacity *= 2;
  }
  constexpr std::uint64_t kSeedsPerSize = 64;
  for (;; capacity *= 2) {
    for (std::uint64_t seed = 1; seed <= kSeedsPerSize; ++seed) {
      slots_.assign(capacity, kEmptySlot);
      slot_mask_ = capacity - 1;
      seed_ = seed;
      bool collision = false;
      for (std::size_t id = 0; id < specs.size() && !collision; ++id) {
        if (duplicate[id]) {
          continue;
        }
        std::uint16_t& slot = slots_[hash_name(specs[id].name, seed) & slot_mask_];
        collision = slot != kEmptySlot;
        slot = static_cast<std::uint16_t>(id);
      }
      if (!collision) {
        return;
      }
    }
  }
}

ParamId ParameterRegistry::find_id(std::string_view name) const {
  if (has_words(name)) {
    const NameWords words = words_of(name);
    const ParamId id = slots_[hash_words(words, name.size(), seed_) & slot_mask_];
    if (id == kEmptySlot)
      return kEmptySlot;
    const std::string_view candidate = specs_[id].name;
    if (candidate.size() != name.size() || !(words_of(candidate) == words))
      return kEmptySlot;
    return id;
  }
  const ParamId id = slots_[hash_any_length(name, seed_) & slot_mask_];
  if (id != kEmptySlot && specs_[id].name == name)
    return id;
  return kEmptySlot;
}

}  // namespace fw
