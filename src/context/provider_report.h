// Provider and practice benchmarking for one period: activity, cost and unit cost by provider and
// point of delivery; length of stay (elective and non-elective) by provider with a funnel of the
// share of emergency admissions with a zero-day stay against the ICB; and variation between GP
// practices: emergency admissions indirectly standardised for age and sex to the ICB's rates (ISR,
// ratio funnel) and a few other practice indicators (A&E attendances, GP appointments, hypertension
// recorded prevalence) with funnel significance. Funnels come from src/stats/funnel.h (PHE Technical
// Guide, Funnel Plots). The report has not passed disclosure control: the caller applies it.
// Definitions: docs/reference/providers.md. Stateless; thread safe.
#pragma once

#include <string>
#include <vector>

#include "context/indicator_results.h"
#include "core/status.h"
#include "data/dataset.h"
#include "report/report.h"

namespace icb {

struct ProviderQuery {
  const IndicatorCatalogue* catalogue = nullptr;  // for the practice indicators; nullptr: the shipped one
  Period period;
  std::vector<double> confidence = {0.95};
  std::string dataset_label;
};

// Tables `provider_activity`, `provider_los`, `practice_variation` (and their funnel charts).
// InvalidInput for an empty period.
Result<report::Report> ComputeProviderReport(const Dataset& ds, const ProviderQuery& query);

}  // namespace icb
