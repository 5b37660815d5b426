#include "scenarios/run/quickstart.h"

namespace scn {

const std::string_view kQuickstartScenario = R"yaml(# phonesim quickstart: a small office and a lobby of phones through a day.
name: quickstart
description: >-
  1,000 phones (600 CP-8841 on HTTPS with mutual TLS and encrypted per-phone profiles, 400 CP-6841
  on TFTP) power on over ten minutes, resync every six hours, ride out a one-hour TFTP outage, a
  503 storm on the HTTPS server and a power outage in the lobby, and report every resync to syslog.
seed: 1
duration: 24h
start: 2026-11-24T06:00:00Z

network:
  latency: 2ms
  jitter: 1ms
  loss: 0.1%

servers:
  - name: tftp
    kind: tftp
    address: 192.168.1.200
    files:
      - path: /lobby.cfg
        content: |
          <flat-profile>
            <GPP_A>12345678</GPP_A>
            <Resync_Periodic>21600+1800</Resync_Periodic>
            <Resync_Error_Retry_Delay>60,120,240,480,960</Resync_Error_Retry_Delay>
          </flat-profile>
  - name: provisioning
    kind: https
    address: 192.168.1.201
    host_name: prov.example.com
    certificate: {hosts: [prov.example.com]}
    client_certificate: required
    files:
      - path: /office/$MA.cfg
        content: |
          <flat-profile>
            <Display_Name_1_>Office $MA</Display_Name_1_>
            <GPP_A>12345678</GPP_A>
            <Resync_Periodic>21600+1800</Resync_Periodic>
          </flat-profile>
        gzip: true
        key: quickstart-secret
  - name: syslog
    kind: syslog
    address: 192.168.1.210

fleet:
  - name: office
    count: 600
    model: CP-8841-3PCC
    firmware: sip88xx.12-0-1MPP0001-1
    mac_first: 00:0e:08:10:00:00
    address_first: 10.1.0.1
    parameters:
      Profile_Rule: "[--key quickstart-secret] https://prov.example.com/office/$MA.cfg"
      Syslog_Server: 192.168.1.210
      Resync_Random_Delay: "30"
  - name: lobby
    count: 400
    model: CP-6841-3PCC
    firmware: sip68xx.12-0-1MPP0001-1
    mac_first: 00:0e:08:20:00:00
    address_first: 10.2.0.1
    parameters:
      Profile_Rule: tftp://192.168.1.200/lobby.cfg
      Syslog_Server: 192.168.1.210

timeline:
  - {at: 0s, power_on: all, spread: 10m}
  - {at: 6h20m, server_down: tftp}
  - {at: 7h20m, server_up: tftp}
  - {at: 14h, power_off: lobby}
  - {at: 14h20m, power_on: lobby, spread: 1m}
  - {at: 18h, fault: {server: provisioning, kind: status, status: 503, retry_after: 120s, share: 50%, for: 30m}}

assertions:
  - name: every phone has its profile within the first hour
    parameter: {name: GPP_A, equals: "12345678", share: 100%}
    by: 1h
  - name: every office phone got its own display name over mutual TLS
    parameter: {name: Display_Name_1_, equals: "Office 000e08100000", share: 100%}
    phones: "office[0]"
  - name: the fleet is converged at the end of the day
    converged: {share: 99%}
  - name: the TFTP outage shows as tftp timeouts
    errors: {err: "tftp timeout", at_least: 1}
  - name: the half-hour 503 storm on the provisioning server shows as http_get failed
    errors: {err: "http_get failed", at_least: 1}
  - name: the lobby's power restore stays under 40 TFTP requests per second
    request_rate: {server: tftp, window: 1s, peak_at_most: 40}
  - name: syslog saw every successful resync
    syslog: {matches: "-- Successful resync", at_least: 4000}
)yaml";

}  // namespace scn
