// DatasetBuilder: collects rows in any order (ingest appends file by file, chunk by chunk) and
// Finish() turns them into a Dataset: persons sorted by pseudonym, every person-level table sorted
// by person then date then all other columns (so the result does not depend on input row order or
// thread count), dictionaries sorted, CSR offsets built. Not thread safe: one builder per ingest;
// callers may fill the public vectors from worker threads only into disjoint, pre-sized ranges.
#pragma once

#include <cstdint>
#include <vector>

#include "data/dataset.h"

namespace icb {

class DatasetBuilder {
 public:
  // Row vectors of `ds`'s tables are filled directly by the caller; `*_person` hold the builder's
  // person ids (insertion order in ds.persons) parallel to each table's rows. Offsets are ignored.
  Dataset ds;
  std::vector<uint32_t> registration_person, event_person, coded_person, condition_person;

  uint32_t AddPerson(const Digest& pseudonym, int32_t birth, uint8_t sex, uint8_t ethnicity,
                     uint32_t lsoa, int32_t death);
  // Sorts and indexes. The builder is empty afterwards.
  Result<Dataset> Finish();
};

}  // namespace icb
