#include "data/dataset_builder.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <tuple>

#include "core/parallel.h"

namespace icb {
namespace {

template <typename T>
void Permute(std::vector<T>& col, const std::vector<uint32_t>& order) {
  std::vector<T> out(order.size());
  ParallelFor(order.size(), 1 << 16, [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) out[i] = col[order[i]];
  });
  col.swap(out);
}

void Remap(std::vector<uint32_t>& col, const std::vector<uint32_t>& remap) {
  ParallelFor(col.size(), 1 << 16, [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i)
      if (col[i] != Dictionary::kNone) col[i] = remap[col[i]];
  });
}

// Orders rows by new person id (counting sort, stable), then within each person by `less`.
// Fills CSR offsets.
template <typename Less>
std::vector<uint32_t> OrderRows(const std::vector<uint32_t>& row_person, const std::vector<uint32_t>& new_id,
                                size_t persons, std::vector<uint64_t>& offsets, Less less) {
  const size_t n = row_person.size();
  offsets.assign(persons + 1, 0);
  for (size_t i = 0; i < n; ++i) ++offsets[new_id[row_person[i]] + 1];
  for (size_t p = 0; p < persons; ++p) offsets[p + 1] += offsets[p];
  std::vector<uint64_t> cursor(offsets.begin(), offsets.end() - 1);
  std::vector<uint32_t> order(n);
  for (size_t i = 0; i < n; ++i) order[cursor[new_id[row_person[i]]]++] = static_cast<uint32_t>(i);
  ParallelFor(persons, 1024, [&](size_t b, size_t e) {
    for (size_t p = b; p < e; ++p)
      std::sort(order.begin() + static_cast<ptrdiff_t>(offsets[p]),
                order.begin() + static_cast<ptrdiff_t>(offsets[p + 1]), less);
  });
  return order;
}

}  // namespace

uint32_t DatasetBuilder::AddPerson(const Digest& pseudonym, int32_t birth, uint8_t sex, uint8_t ethnicity,
                                   uint32_t lsoa, int32_t death) {
  auto& p = ds.persons;
  p.pseudonym.push_back(pseudonym);
  p.birth.push_back(birth);
  p.sex.push_back(sex);
  p.ethnicity.push_back(ethnicity);
  p.lsoa.push_back(lsoa);
  p.death.push_back(death);
  return static_cast<uint32_t>(p.birth.size() - 1);
}

Result<Dataset> DatasetBuilder::Finish() {
  Dataset& d = ds;
  if (d.events.size() >= UINT32_MAX || d.coded.size() >= UINT32_MAX)
    return Status::InvalidInput("more than 4 billion rows in one table: not supported");

  // 1. Dictionaries in sorted order, so ids do not depend on the order rows arrived in.
  {
    const auto orgs = d.orgs.Sort();
    Remap(d.events.provider, orgs);
    const auto attrs = d.attrs.Sort();
    Remap(d.events.attr1, attrs);
    Remap(d.events.attr2, attrs);
    Remap(d.events.attr3, attrs);
    Remap(d.coded.unit, attrs);
    const auto codes = d.codes.Sort();
    Remap(d.events.code, codes);
    Remap(d.events.procedure, codes);
    Remap(d.events.hrg, codes);
    Remap(d.coded.code, codes);
  }

  // 2. Persons in pseudonym order.
  const size_t n = d.persons.size();
  std::vector<uint32_t> porder(n);
  std::iota(porder.begin(), porder.end(), 0u);
  std::sort(porder.begin(), porder.end(),
            [&](uint32_t a, uint32_t b) { return d.persons.pseudonym[a] < d.persons.pseudonym[b]; });
  for (size_t i = 1; i < n; ++i)
    if (d.persons.pseudonym[porder[i - 1]] == d.persons.pseudonym[porder[i]])
      return Status::InvalidInput("two persons share a pseudonym (duplicate NHS number)");
  std::vector<uint32_t> new_id(n);
  for (uint32_t i = 0; i < n; ++i) new_id[porder[i]] = i;
  {
    auto& p = d.persons;
    Permute(p.pseudonym, porder);
    Permute(p.birth, porder);
    Permute(p.sex, porder);
    Permute(p.ethnicity, porder);
    Permute(p.lsoa, porder);
    Permute(p.death, porder);
  }

  // 3. Child tables by person, then date, then every other column.
  {
    auto& r = d.registrations;
    auto order = OrderRows(registration_person, new_id, n, r.offsets, [&](uint32_t a, uint32_t b) {
      return std::tie(r.start[a], r.end[a], r.practice[a]) < std::tie(r.start[b], r.end[b], r.practice[b]);
    });
    Permute(r.practice, order);
    Permute(r.start, order);
    Permute(r.end, order);
  }
  {
    auto& e = d.events;
    auto order = OrderRows(event_person, new_id, n, e.offsets, [&](uint32_t a, uint32_t b) {
      return std::tie(e.date[a], e.setting[a], e.pod[a], e.end_date[a], e.provider[a], e.attr1[a], e.attr2[a],
                      e.attr3[a], e.code[a], e.procedure[a], e.hrg[a], e.cost_pence[a], e.quantity[a]) <
             std::tie(e.date[b], e.setting[b], e.pod[b], e.end_date[b], e.provider[b], e.attr1[b], e.attr2[b],
                      e.attr3[b], e.code[b], e.procedure[b], e.hrg[b], e.cost_pence[b], e.quantity[b]);
    });
    std::vector<uint32_t>().swap(event_person);  // no longer needed: free it before the permutes
    Permute(e.date, order);
    Permute(e.end_date, order);
    Permute(e.setting, order);
    Permute(e.pod, order);
    Permute(e.provider, order);
    Permute(e.attr1, order);
    Permute(e.attr2, order);
    Permute(e.attr3, order);
    Permute(e.code, order);
    Permute(e.procedure, order);
    Permute(e.hrg, order);
    Permute(e.cost_pence, order);
    Permute(e.quantity, order);
  }
  {
    auto& c = d.coded;
    auto value_key = [&](uint32_t i) { return std::isnan(c.value[i]) ? -HUGE_VAL : c.value[i]; };
    auto order = OrderRows(coded_person, new_id, n, c.offsets, [&](uint32_t a, uint32_t b) {
      return std::make_tuple(c.date[a], c.system[a], c.code[a], value_key(a), c.unit[a]) <
             std::make_tuple(c.date[b], c.system[b], c.code[b], value_key(b), c.unit[b]);
    });
    Permute(c.date, order);
    Permute(c.system, order);
    Permute(c.code, order);
    Permute(c.value, order);
    Permute(c.unit, order);
  }
  {
    auto& k = d.conditions;
    auto order = OrderRows(condition_person, new_id, n, k.offsets, [&](uint32_t a, uint32_t b) {
      return std::tie(k.date[a], k.condition[a]) < std::tie(k.date[b], k.condition[b]);
    });
    Permute(k.condition, order);
    Permute(k.date, order);
  }
  registration_person.clear();
  event_person.clear();
  coded_person.clear();
  condition_person.clear();
  ICB_RETURN_IF_ERROR(d.Validate());
  Dataset out = std::move(ds);
  ds = Dataset();
  return out;
}

}  // namespace icb
