// Entry point of the command line: parses argv and dispatches to a subcommand.
#pragma once

namespace greenlight::cli {

// Returns the process exit code.
int run(int argc, char** argv);

}  // namespace greenlight::cli
