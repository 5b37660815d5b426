#pragma once

// A RunReport shaped like the quickstart's (1,000 phones, 24 virtual hours, a TFTP and an HTTPS
// server, a server outage at 6h and a power outage at 12h), for the report writers' tests and
// the screenshot check. Deterministic: drawn from fw::RandomStream with a fixed seed.

#include "scenarios/run/run_report.h"

namespace scn::testing {

RunReport sample_run_report();

}  // namespace scn::testing
