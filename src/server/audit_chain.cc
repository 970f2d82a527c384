// The audit log's hash chain: canonical text, entry hash and verification (see audit_chain.h).
#include "server/audit_chain.h"

#include <fmt/format.h>

#include <string_view>

#include "core/crypto.h"

namespace icb::server {
namespace {

void AppendField(std::string& out, std::string_view bytes) {
  out += std::to_string(bytes.size());
  out += ':';
  out.append(bytes.data(), bytes.size());
  out += ';';
}

}  // namespace

std::string CanonicalAuditText(const AuditEntry& e) {
  std::string out;
  out.reserve(256 + e.detail.size());
  AppendField(out, std::to_string(e.seq));
  AppendField(out, e.time);
  AppendField(out, e.user);
  AppendField(out, e.role);
  AppendField(out, e.session_id);
  AppendField(out, e.action);
  AppendField(out, e.scope);
  AppendField(out, e.detail);
  AppendField(out, std::to_string(e.rows));
  AppendField(out, e.request_id);
  AppendField(out, e.prev_hash);
  return out;
}

std::string ComputeAuditHash(const AuditEntry& entry) {
  Sha256 h;
  h.Update(entry.prev_hash);
  h.Update(CanonicalAuditText(entry));
  return ToHex(h.Finish());
}

bool AuditChainVerifier::Add(const AuditEntry& e) {
  if (!result_.ok) return false;
  auto fail = [this](int64_t seq, std::string problem) {
    result_.ok = false;
    result_.first_bad_seq = seq;
    result_.problem = std::move(problem);
    return false;
  };
  if (e.seq != next_seq_) {
    if (e.seq > next_seq_)
      return fail(next_seq_, next_seq_ + 1 == e.seq
                                 ? fmt::format("entry {} missing (the next entry is {})", next_seq_, e.seq)
                                 : fmt::format("entries {} to {} missing (the next entry is {})", next_seq_,
                                               e.seq - 1, e.seq));
    return fail(e.seq, fmt::format("entry {} out of order (expected entry {})", e.seq, next_seq_));
  }
  if (e.prev_hash != prev_)
    return fail(e.seq, fmt::format("entry {}: its previous-hash link does not match entry {}'s hash", e.seq,
                                   e.seq - 1));
  if (ComputeAuditHash(e) != e.hash) return fail(e.seq, fmt::format("entry {}: hash does not match its contents", e.seq));
  prev_ = e.hash;
  ++next_seq_;
  ++result_.entries;
  return true;
}

AuditVerification AuditChainVerifier::Finish(int64_t head_seq, const std::string& head_hash) {
  if (!result_.ok || head_seq <= 0) return result_;
  const int64_t last = next_seq_ - 1;
  if (last < head_seq) {
    result_.ok = false;
    result_.first_bad_seq = last + 1;
    result_.problem = last + 1 == head_seq
                          ? fmt::format("entry {} missing at the end (the head records entry {})", head_seq, head_seq)
                          : fmt::format("entries {} to {} missing at the end (the head records entry {})", last + 1,
                                        head_seq, head_seq);
  } else if (last > head_seq) {
    result_.ok = false;
    result_.first_bad_seq = head_seq + 1;
    result_.problem = fmt::format("entry {} lies beyond the recorded head (entry {})", head_seq + 1, head_seq);
  } else if (prev_ != head_hash) {
    result_.ok = false;
    result_.first_bad_seq = head_seq;
    result_.problem = fmt::format("entry {}: hash does not match the recorded head", head_seq);
  }
  return result_;
}

AuditVerification VerifyAuditChain(const std::vector<AuditEntry>& entries, int64_t head_seq,
                                   const std::string& head_hash) {
  AuditChainVerifier verifier;
  for (const AuditEntry& e : entries)
    if (!verifier.Add(e)) break;
  return verifier.Finish(head_seq, head_hash);
}

}  // namespace icb::server
