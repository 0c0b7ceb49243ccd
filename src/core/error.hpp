// The one error type of servicedesk: carries SQLSTATE, message, DETAIL, HINT.
// Thrown by the core and by the glue; the entry-point guard in src/pg turns it
// into ereport(ERROR) after leaving the catch block.
#pragma once

#include <exception>
#include <string>
#include <utility>

namespace servicedesk {

// SQLSTATEs of SPEC section 9 plus the standard ones the core raises.
namespace sqlstate {
inline constexpr const char* kInvalidWorkflow = "SD001";
inline constexpr const char* kUndefinedTransition = "SD002";
inline constexpr const char* kActorNotAllowed = "SD003";
inline constexpr const char* kRequirementFailed = "SD004";
inline constexpr const char* kApprovalBlocks = "SD005";
inline constexpr const char* kDecisionNotAllowed = "SD006";
inline constexpr const char* kInvalidCalendar = "SD007";
inline constexpr const char* kImmutable = "SD008";
inline constexpr const char* kUnknownActor = "SD009";
inline constexpr const char* kNoWorkflowOrSla = "SD010";
inline constexpr const char* kInvalidParameter = "22023";       // invalid_parameter_value
inline constexpr const char* kDatetimeOverflow = "22008";       // datetime_field_overflow
inline constexpr const char* kProgramLimitExceeded = "54000";   // program_limit_exceeded
inline constexpr const char* kInternal = "XX000";               // internal_error
}  // namespace sqlstate

class Error : public std::exception {
 public:
  Error(std::string code, std::string message, std::string detail = {}, std::string hint = {})
      : code_(std::move(code)), message_(std::move(message)), detail_(std::move(detail)),
        hint_(std::move(hint)) {}

  const char* what() const noexcept override { return message_.c_str(); }
  const std::string& code() const noexcept { return code_; }
  const std::string& message() const noexcept { return message_; }
  const std::string& detail() const noexcept { return detail_; }
  const std::string& hint() const noexcept { return hint_; }

 private:
  std::string code_;
  std::string message_;
  std::string detail_;
  std::string hint_;
};

// A problem found while validating a definition, located by a 0-based JSON
// path such as "stages[2].approval.policy".
struct Problem {
  std::string path;
  std::string message;
  bool operator==(const Problem&) const = default;
};

}  // namespace servicedesk
