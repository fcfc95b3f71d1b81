#pragma once

// How every weft command reports: a readable table by default, one JSON object (or array)
// with --json, and a one-line error naming the bad token with exit status 2.

#include <weft/addr/parse_error.hpp>

#include <string_view>

#include <boost/json.hpp>

namespace weft::cli {

/// Exit statuses shared by every command; scripts depend on them.
inline constexpr int exit_ok = 0;
inline constexpr int exit_false = 1;     ///< a yes/no question answered no (`ip contains`)
inline constexpr int exit_bad_input = 2; ///< bad arguments or input: nothing was done

/// Prints `weft: <command>: <message>` on stderr. @returns exit_bad_input.
int fail(std::string_view command, std::string_view message);
/// Prints the parse error for `token` as `weft: <command>: "<token>": <reason> (at offset N)`.
int fail(std::string_view command, std::string_view token, const addr::parse_error& error);

/// Prints `value` as one line of JSON on stdout.
void print_json(const boost::json::value& value);
/// Prints an object as an aligned two-column table: key, then the value (strings unquoted,
/// null as "-", arrays joined with ", ", objects as key=value pairs).
void print_table(const boost::json::object& object);
/// Prints `object` as JSON when `json` is set, else as a table.
void print_object(const boost::json::object& object, bool json);

} // namespace weft::cli
