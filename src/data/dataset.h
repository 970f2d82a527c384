// Dataset: the person-level, longitudinal, linked store every analysis reads. Columnar: each table
// is a set of parallel vectors. Person-centric: registrations, events, coded entries and condition
// registers are sorted by person then date, with CSR offsets (`*_offsets[p]..[p+1]`), so a pass
// over one person is one contiguous scan and a pass over everyone splits cleanly across cores.
// Strings are dictionary-encoded; dates are day numbers (core/date.h); money is integer pence.
// A Dataset is built once (DatasetBuilder) and then read-only: concurrent reads are safe.
// It holds pseudonyms, never NHS numbers. Modules that touch person-level rows are listed in
// ARCHITECTURE.md.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "core/crypto.h"
#include "core/date.h"
#include "core/status.h"
#include "data/dictionary.h"
#include "data/types.h"

namespace icb {

struct LsoaTable {  // ref_lsoa
  Dictionary code;                      // id = row
  std::vector<std::string> name, place_code, place_name, sub_icb;
  std::vector<uint8_t> imd_decile, imd_quintile;
  size_t size() const { return code.size(); }
};

struct PracticeTable {  // ref_practices
  Dictionary code;
  std::vector<std::string> name, pcn_code, pcn_name, sub_icb, place_name;
  size_t size() const { return code.size(); }
};

struct ProviderTable {  // ref_providers
  Dictionary code;
  std::vector<std::string> name, type;
  size_t size() const { return code.size(); }
};

struct PersonTable {
  std::vector<Digest> pseudonym;      // HMAC-SHA-256 of the NHS number; ascending
  std::vector<int32_t> birth;         // first day of birth month (day number)
  std::vector<uint8_t> sex;           // Sex
  std::vector<uint8_t> ethnicity;     // index into kEthnicCodes
  std::vector<uint32_t> lsoa;         // row of LsoaTable
  std::vector<int32_t> death;         // day number or kNoDate
  size_t size() const { return birth.size(); }
};

struct RegistrationTable {            // CSR by person, by start date
  std::vector<uint64_t> offsets;      // size persons + 1
  std::vector<uint32_t> practice;     // row of PracticeTable
  std::vector<int32_t> start, end;    // end = kNoDate while current
  size_t size() const { return practice.size(); }
};

// Activity in every setting, one row per event. Columns whose meaning depends on the setting
// (see docs/reference/data-model.md):
//   attr1: APC admission method; OP treatment function; A&E department type; GP hcp type;
//          community / MH service type; social care support setting; prescribing: empty.
//   attr2: APC patient classification; OP attended-or-DNA code; A&E arrival mode; GP appointment
//          mode; others empty.
//   attr3: A&E attendance disposal; GP appointment status; OP first attendance code; else empty.
//   code:  primary clinical code: APC primary diagnosis (ICD-10), A&E diagnosis (SNOMED CT),
//          prescribing BNF code; else empty.
struct EventTable {                   // CSR by person, by date
  std::vector<uint64_t> offsets;      // size persons + 1
  std::vector<int32_t> date;          // start / arrival / appointment date
  std::vector<int32_t> end_date;      // APC discharge, social care end; kNoDate otherwise
  std::vector<uint8_t> setting;       // Setting
  std::vector<uint8_t> pod;           // Pod
  std::vector<uint32_t> provider;     // Dictionary `orgs` (provider or practice code)
  std::vector<uint32_t> attr1, attr2, attr3;  // Dictionary `attrs`
  std::vector<uint32_t> code;         // Dictionary `codes`
  std::vector<uint32_t> procedure;    // Dictionary `codes` (OPCS-4)
  std::vector<uint32_t> hrg;          // Dictionary `codes`
  std::vector<int32_t> cost_pence;    // per event; the contract caps a row at kMaxEventPence
  std::vector<uint16_t> quantity;     // prescription items (at most 65,535 a row); 1 otherwise
  size_t size() const { return date.size(); }
};

// Diagnoses and observations: ICD-10 (all APC diagnoses), SNOMED CT (GP record), CSR by person.
struct CodedTable {
  std::vector<uint64_t> offsets;
  std::vector<int32_t> date;
  std::vector<uint8_t> system;        // CodeSystem
  std::vector<uint32_t> code;         // Dictionary `codes`
  std::vector<double> value;          // NaN when no value
  std::vector<uint32_t> unit;         // Dictionary `attrs`
  size_t size() const { return date.size(); }
};

struct ConditionTable {               // ltc_registers, CSR by person
  std::vector<uint64_t> offsets;
  std::vector<uint8_t> condition;     // index into kQofConditions
  std::vector<int32_t> date;
  size_t size() const { return date.size(); }
};

class Dataset {
 public:
  std::string source_format;          // "icb-contract" or "omop-cdm-5.4"
  LsoaTable lsoas;
  PracticeTable practices;
  ProviderTable providers;
  PersonTable persons;
  RegistrationTable registrations;
  EventTable events;
  CodedTable coded;
  ConditionTable conditions;
  Dictionary orgs, attrs, codes;

  size_t person_count() const { return persons.size(); }
  // Writes a versioned, checksummed binary snapshot; returns its digest (SHA-256 of the content).
  // Atomic: a crash leaves any previous file at `path` intact.
  Result<Digest> Save(const std::string& path) const;
  // Loads a snapshot, verifying version and checksum.
  static Result<Dataset> Load(const std::string& path);
  // The digest verified by Load (all zero for a dataset that was not loaded from a snapshot).
  const Digest& loaded_digest() const { return loaded_digest_; }
  // SHA-256 over the serialised content; equal datasets have equal digests.
  Digest ComputeDigest() const;
  // Checks internal invariants (CSR offsets, sort order, ids in range); for tests and after load.
  Status Validate() const;
  // Earliest and latest event date (kNoDate if no events).
  int32_t FirstEventDate() const;
  int32_t LastEventDate() const;

 private:
  void Serialise(std::FILE* f, Digest& digest, bool& failed) const;
  Digest loaded_digest_{};
};

inline constexpr uint32_t kSnapshotVersion = 2;
// Event costs are stored in 32 bits (4 bytes a row matter at 150 million rows): at most
// GBP 21,474,836.47 per event row; sums are always taken in 64 bits.
inline constexpr int64_t kMaxEventPence = INT32_MAX;

}  // namespace icb
