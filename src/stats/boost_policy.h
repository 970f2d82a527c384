// Internal to src/stats: the Boost.Math error policy used by the statistics library. Boost throws
// on domain and overflow errors by default; the engine does not use exceptions, so every call goes
// through this policy, which returns NaN (domain) or infinity (overflow) instead.
#pragma once

#include <boost/math/policies/policy.hpp>

namespace icb::stats::internal {

using NoThrowPolicy = boost::math::policies::policy<
    boost::math::policies::domain_error<boost::math::policies::ignore_error>,
    boost::math::policies::overflow_error<boost::math::policies::ignore_error>,
    boost::math::policies::underflow_error<boost::math::policies::ignore_error>,
    boost::math::policies::evaluation_error<boost::math::policies::ignore_error>,
    boost::math::policies::pole_error<boost::math::policies::ignore_error>>;

}  // namespace icb::stats::internal
