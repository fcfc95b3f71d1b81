#pragma once

// How `weft` speaks about its own command line: options that name what they expect, help
// without parser placeholders, an example on every command, and usage errors in the user's
// words ("unknown command "frob" (did you mean `weft ip info`?)"), always exit status 2.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

namespace weft::cli {

/// Help text as a person reads it: an option shows the name of what it takes (`--threads N`),
/// never CLI11's `UINT:INT in [0 - 1024]=0`; defaults are in the descriptions.
std::shared_ptr<CLI::Formatter> make_help_formatter();

/// A check that a value is a whole number in [lo, hi], refusing "abc" as "not a number" and
/// 2000 as "out of range", quoting the token; shown as nothing in the help.
CLI::Validator number_in(long long lo, long long hi);

/// Adds `--name N`: a whole number in [lo, hi]. "abc" is "not a number", 2000 "out of range",
/// both naming the option and the bad token.
CLI::Option* add_number_option(CLI::App* cmd, const std::string& name, std::size_t& value,
                               std::size_t lo, std::size_t hi, const std::string& description);
/// The same for an int (prefix lengths).
CLI::Option* add_number_option(CLI::App* cmd, const std::string& name, int& value, int lo, int hi,
                               const std::string& description);

/// Records the command's example (`weft ip info 192.168.100.1/26`, without "weft"'s path) and
/// shows it under the command's help. `weft help --all --json` lists it; the CLI tests run it.
void set_example(CLI::App* cmd, std::string example);
/// The example recorded for `cmd`, or "" if none.
std::string example_of(const CLI::App* cmd);

/// The words a command is called by: "weft ip info".
std::string command_path(const CLI::App* cmd);

/// The one line, without "weft: ", that says what is wrong with `args` (argv after the program
/// name) given that CLI11 refused them with `error`: an unknown command or option with the
/// closest valid one, a missing argument named as the help names it, a bad value.
std::string describe_usage_error(const CLI::App& root, const std::vector<std::string>& args,
                                 const CLI::ParseError& error);

/// The command `words` name below `root` ({"ip", "info"}), or nullptr with `error` set to
/// the message for the first word that names nothing.
const CLI::App* find_command(const CLI::App& root, const std::vector<std::string>& words,
                             std::string& error);

/// The names among `candidates` closest to `typo` (edit distance at most a third of its length,
/// at least 1 and 2 at most; or `typo` a prefix), best first.
std::vector<std::string> closest_names(std::string_view typo,
                                       const std::vector<std::string>& candidates);

} // namespace weft::cli
