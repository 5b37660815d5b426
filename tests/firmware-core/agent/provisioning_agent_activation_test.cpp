// Activation-code onboarding in ProvisioningAgent (provisioning_agent_activation.cpp).

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "firmware-core/agent/activation_protocol.h"
#include "firmware-core/agent/provisioning_agent.h"
#include "tests/firmware-core/agent/agent_test_driver.h"

namespace fw {
namespace {

using agent_test::AgentDriver;

constexpr std::string_view kServiceUrl = "https://activation.webex.com:443/activate";
constexpr std::string_view kCode = "1234567890123456";
constexpr std::string_view kTypedCode = "1234-5678 9012-3456";

Bytes reply_bytes(const ActivationReply& reply) { return to_bytes(format_activation_reply(reply)); }

Bytes accepted(std::vector<std::pair<std::string, std::string>> parameters) {
  ActivationReply reply;
  reply.parameters = std::move(parameters);
  return reply_bytes(reply);
}

Bytes rejected(std::string reason) {
  ActivationReply reply;
  reply.result = ActivationResult::Rejected;
  reply.reason = std::move(reason);
  return reply_bytes(reply);
}

// A phone fresh from a factory reset with Profile_Rule gds:// (the guide's step 3).
void onboarding_phone(AgentDriver& phone) {
  phone.set("Profile_Rule", "gds://");
  phone.set("Syslog_Server", "192.168.1.50");
}

// Whether any trace field or syslog message holds the code (in either spelling).
bool leaks_code(const AgentDriver& phone) {
  for (const TraceAction& trace : phone.traces()) {
    for (const auto& [name, value] : trace.fields) {
      if (value.find(kCode) != std::string::npos || value.find("1234-5678") != std::string::npos) {
        return true;
      }
    }
  }
  for (const std::string& message : phone.syslog_messages()) {
    if (message.find(kCode) != std::string::npos) return true;
  }
  return false;
}

TEST(ProvisioningAgentActivationTest, GdsRuleWaitsForACodeWithoutFetchingOrRetrying) {
  AgentDriver phone;
  onboarding_phone(phone);
  phone.power_on();
  phone.run_for(2 * 86400);
  EXPECT_TRUE(phone.fetches().empty());
  EXPECT_EQ(phone.status().activation.state, ActivationState::Waiting);
  EXPECT_EQ(activation_display_text(phone.status().activation.state), "Enter activation code");
  ASSERT_EQ(phone.status().recent.size(), 1u);  // one power-up resync, no retries
  EXPECT_EQ(phone.status().recent[0].error, "activation code required");
  EXPECT_EQ(phone.status().rules[0].last_url, "gds://");
  EXPECT_FALSE(phone.status().next);
}

TEST(ProvisioningAgentActivationTest, ValidCodeStoresTheRuleAndProvisioningContinuesFromIt) {
  AgentDriver phone;
  onboarding_phone(phone);
  phone.serve_status(std::string(kServiceUrl), 200,
                     accepted({{"Profile_Rule", "http://192.168.1.200/$MA.xml"},
                               {"Resync_Periodic", "7200"}}));
  phone.serve_xml("http://192.168.1.200:80/000e08abcdef.xml", "<GPP_A>provisioned</GPP_A>");
  phone.power_on();
  phone.send(ActivationCodeEntered{std::string(kTypedCode)});
  phone.run_for(10);
  ASSERT_EQ(phone.fetches().size(), 2u);
  EXPECT_EQ(phone.fetches()[0].url, kServiceUrl);
  ASSERT_TRUE(phone.fetches()[0].post_body);
  auto request = parse_activation_request(*phone.fetches()[0].post_body);
  ASSERT_TRUE(request) << request.error().to_string();
  EXPECT_EQ(request->code, kCode);  // normalized: the dashes and the space dropped
  EXPECT_EQ(request->mac, "000e08abcdef");
  EXPECT_EQ(request->model, "CP-78xx-3PCC");
  EXPECT_EQ(request->serial, "88012BA01234");
  EXPECT_EQ(request->firmware, "sip78xx.11-3-2MPP0001-609");
  EXPECT_EQ(phone.fetches()[1].url, "http://192.168.1.200:80/000e08abcdef.xml");
  EXPECT_EQ(phone.fetches()[1].prvst, -1);  // an explicit resync, at once
  EXPECT_EQ(phone.value("Profile_Rule"), "http://192.168.1.200/$MA.xml");
  EXPECT_EQ(phone.value("Resync_Periodic"), "7200");
  EXPECT_EQ(phone.value("GPP_A"), "provisioned");
  EXPECT_EQ(phone.status().activation.state, ActivationState::Activated);
  EXPECT_EQ(phone.status().activation.submissions, 1u);
  EXPECT_TRUE(phone.status().recent[0].success);
  EXPECT_GE(phone.config_changes(), 2u);  // the reply, then the profile: both persisted
  EXPECT_FALSE(leaks_code(phone));
  EXPECT_EQ(phone.trace_count("activation_accepted"), 1u);
}

TEST(ProvisioningAgentActivationTest, MalformedCodeIsInvalidWithoutARequest) {
  for (std::string typed : {"12345", "123456789012345", "12345678901234567", "1234567890123456x",
                            "abcd-efgh-ijkl-mnop", ""}) {
    AgentDriver phone;
    onboarding_phone(phone);
    phone.power_on();
    phone.send(ActivationCodeEntered{typed});
    EXPECT_TRUE(phone.fetches().empty()) << typed;
    EXPECT_EQ(phone.status().activation.state, ActivationState::InvalidCode) << typed;
    EXPECT_EQ(activation_display_text(phone.status().activation.state), "Invalid activation code");
    EXPECT_EQ(phone.status().activation.last_error, "invalid activation code");
  }
}

TEST(ProvisioningAgentActivationTest, RefusedCodeShowsInvalidActivationCodeAndANewCodeIsTaken) {
  AgentDriver phone;
  onboarding_phone(phone);
  phone.serve_status(std::string(kServiceUrl), 403, rejected("expired"));
  phone.power_on();
  phone.send(ActivationCodeEntered{std::string(kCode)});
  EXPECT_EQ(phone.status().activation.state, ActivationState::InvalidCode);
  EXPECT_EQ(phone.status().activation.rejected, 1u);
  EXPECT_EQ(phone.value("Profile_Rule"), "gds://");
  const std::vector<std::string> messages = phone.syslog_messages();
  ASSERT_FALSE(messages.empty());
  EXPECT_EQ(messages.back(), "CP-78xx-3PCC 00:0e:08:ab:cd:ef -- Activation failed: invalid activation code");
  // Nothing is resubmitted by itself.
  phone.run_for(86400);
  EXPECT_EQ(phone.fetches().size(), 1u);
  // The user types a new code.
  phone.serve_status(std::string(kServiceUrl), 200,
                     accepted({{"Profile_Rule", "tftp://192.168.1.200/p.xml"}}));
  phone.serve_xml("tftp://192.168.1.200:69/p.xml", "<GPP_B>b</GPP_B>");
  phone.send(ActivationCodeEntered{"6543210987654321"});
  phone.run_for(10);
  EXPECT_EQ(phone.status().activation.state, ActivationState::Activated);
  EXPECT_EQ(phone.value("GPP_B"), "b");
}

TEST(ProvisioningAgentActivationTest, RateLimitedServiceAsksTheUserToWait) {
  AgentDriver phone;
  onboarding_phone(phone);
  ActivationReply limited;
  limited.result = ActivationResult::RateLimited;
  limited.retry_after_s = 300;
  phone.serve_status(std::string(kServiceUrl), 429, reply_bytes(limited));
  phone.power_on();
  phone.send(ActivationCodeEntered{std::string(kCode)});
  EXPECT_EQ(phone.status().activation.state, ActivationState::RateLimited);
  EXPECT_EQ(phone.status().activation.last_error, "activation rate limited");
}

TEST(ProvisioningAgentActivationTest, UnreachableServiceFailsAndIsNotRetriedByItself) {
  AgentDriver phone;
  onboarding_phone(phone);
  phone.serve(std::string(kServiceUrl), ErrorCode::ConnectFailed);
  phone.power_on();
  phone.send(ActivationCodeEntered{std::string(kCode)});
  EXPECT_EQ(phone.status().activation.state, ActivationState::Failed);
  EXPECT_EQ(phone.status().activation.last_error, "connect failed");
  phone.run_for(86400);
  EXPECT_EQ(phone.fetches().size(), 1u);
  EXPECT_FALSE(leaks_code(phone));
}

TEST(ProvisioningAgentActivationTest, OtherStatusesAndBadRepliesFailAndChangeNothing) {
  struct Case {
    unsigned status;
    Bytes body;
    std::string err;
  };
  const std::vector<Case> cases = {
      {500, to_bytes("oops"), "http_get failed"},
      {200, to_bytes("<html/>"), "bad activation message"},
      {200, accepted({{"GPP_A", "x"}}), "bad activation message"},                      // no rule
      {200, accepted({{"Profile_Rule", "gds://"}}), "bad activation message"},          // a loop
      {200, accepted({{"Profile_Rule", "http://a/b"}, {"Resync_Periodic", "x"}}),       // invalid
       "bad activation message"},
  };
  for (const Case& c : cases) {
    AgentDriver phone;
    onboarding_phone(phone);
    phone.serve_status(std::string(kServiceUrl), c.status, c.body);
    phone.power_on();
    phone.send(ActivationCodeEntered{std::string(kCode)});
    EXPECT_EQ(phone.status().activation.state, ActivationState::Failed) << c.err;
    EXPECT_EQ(phone.status().activation.last_error, c.err);
    EXPECT_EQ(phone.value("Profile_Rule"), "gds://");
    EXPECT_EQ(phone.value("GPP_A"), "");
    EXPECT_EQ(phone.value("Resync_Periodic"), "3600");
    EXPECT_EQ(phone.config_changes(), 0u);
  }
}

TEST(ProvisioningAgentActivationTest, UnknownReplyParametersAreSkipped) {
  AgentDriver phone;
  onboarding_phone(phone);
  phone.serve_status(std::string(kServiceUrl), 200,
                     accepted({{"Profile_Rule", "tftp://192.168.1.200/p.xml"}, {"No_Such", "1"}}));
  phone.power_on();
  phone.send(ActivationCodeEntered{std::string(kCode)});
  EXPECT_EQ(phone.status().activation.state, ActivationState::Activated);
  EXPECT_EQ(phone.trace_count("activation_parameter_skipped"), 1u);
}

TEST(ProvisioningAgentActivationTest, ServiceUrlOverrideAndDefaultPath) {
  AgentDriver phone;
  onboarding_phone(phone);
  phone.set("Activation_Service_Url", "http://10.0.0.5:8080");
  phone.power_on();
  phone.send(ActivationCodeEntered{std::string(kCode)});
  ASSERT_EQ(phone.fetches().size(), 1u);
  EXPECT_EQ(phone.fetches()[0].url, "http://10.0.0.5:8080/activate");
}

TEST(ProvisioningAgentActivationTest, ServiceUrlThatIsNotHttpFails) {
  AgentDriver phone;
  onboarding_phone(phone);
  phone.set("Activation_Service_Url", "tftp://10.0.0.5/activate");
  phone.power_on();
  phone.send(ActivationCodeEntered{std::string(kCode)});
  EXPECT_TRUE(phone.fetches().empty());
  EXPECT_EQ(phone.status().activation.state, ActivationState::Failed);
  EXPECT_EQ(phone.status().activation.last_error, "bad url");
}

TEST(ProvisioningAgentActivationTest, CodeIsIgnoredWhenNotWaiting) {
  AgentDriver phone;
  phone.set("Profile_Rule", "tftp://192.168.1.200/p.xml");
  phone.serve_xml("tftp://192.168.1.200:69/p.xml", "<GPP_A>a</GPP_A>");
  phone.power_on();
  phone.run_for(10);
  phone.send(ActivationCodeEntered{std::string(kCode)});
  EXPECT_EQ(phone.fetches().size(), 1u);
  EXPECT_EQ(phone.status().activation.state, ActivationState::Idle);
  EXPECT_EQ(phone.trace_count("activation_code_ignored"), 1u);
  EXPECT_FALSE(leaks_code(phone));
}

TEST(ProvisioningAgentActivationTest, OldFirmwareRejectsGdsAndStillRunsTheUpgradeRule) {
  AgentDriver phone;
  onboarding_phone(phone);
  phone.identity().software_version = "sip78xx.11-2-1MPP-1";
  phone.set("Upgrade_Rule", "http://192.168.1.200/sip78xx.11-2-3MSR1-1.loads");
  phone.power_on();
  phone.run_for(60);
  EXPECT_EQ(phone.status().activation.state, ActivationState::Unsupported);
  ASSERT_FALSE(phone.status().recent.empty());
  EXPECT_EQ(phone.status().recent.back().error, "activation code not supported");
  ASSERT_FALSE(phone.fetches().empty());
  EXPECT_EQ(phone.fetches()[0].url, "http://192.168.1.200:80/sip78xx.11-2-3MSR1-1.loads");
  phone.send(ActivationCodeEntered{std::string(kCode)});
  EXPECT_EQ(phone.trace_count("activation_code_ignored"), 1u);
}

TEST(ProvisioningAgentActivationTest, WaitingStartsAgainAfterAReboot) {
  AgentDriver phone;
  onboarding_phone(phone);
  phone.serve_status(std::string(kServiceUrl), 403, rejected("unknown"));
  phone.power_on();
  phone.send(ActivationCodeEntered{std::string(kCode)});
  EXPECT_EQ(phone.status().activation.state, ActivationState::InvalidCode);
  phone.power_on();
  EXPECT_EQ(phone.status().activation.state, ActivationState::Waiting);
  EXPECT_EQ(phone.status().activation.submissions, 0u);
}

}  // namespace
}  // namespace fw
