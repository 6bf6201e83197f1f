// The payment-page integrity documents (PCI DSS 4.0, 6.4.3 and 11.6.1): the script inventory of one
// scan (`tagwarden inventory`) and the evidence over a period (`tagwarden evidence`). Written from
// what the store kept, like every report; every crawled string is escaped for its format.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "model/analysis.h"
#include "model/payment_page.h"

namespace tw {

struct InventoryReport {
  ScanInfo scan;
  std::vector<PaymentPage> pages;
};

void write_inventory_json(const InventoryReport& report, std::ostream& out);
void write_inventory_csv(const InventoryReport& report, std::ostream& out);
void write_inventory_html(const InventoryReport& report, std::ostream& out);

// One scan of the period, with what the evidence shows of it.
struct EvidenceScan {
  ScanInfo info;
  std::vector<PaymentPage> pages;
  std::vector<Finding> changes;  // its integrity findings (TW500-TW503, and TW303 on payment pages)
  long long days_since_previous = 0;  // since the scan before (or the period's start)
  bool gap = false;                   // days_since_previous > kEvidenceGapDays
};

inline constexpr long long kEvidenceGapDays = 7;

struct EvidenceReport {
  std::string target;
  std::string since;                // ISO 8601, the period's start
  std::string until;                // ISO 8601, when the evidence was written
  std::vector<EvidenceScan> scans;  // oldest first
  long long days_since_last = 0;    // from the last scan (or the start) to `until`
  bool gap_at_end = false;
};

void write_evidence_csv(const EvidenceReport& report, std::ostream& out);
void write_evidence_html(const EvidenceReport& report, std::ostream& out);

}  // namespace tw
