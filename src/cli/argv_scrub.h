// Hides passwords given on the command line from `ps` and /proc/<pid>/cmdline by overwriting
// them in place in argv (after the parser has copied them). Call once, from main, after parsing.
#pragma once

namespace safeddl::cli {

// Overwrites the value of every `--password=X`, `--password X` and `--master-password...` style
// argument with 'x' characters. Returns how many values were scrubbed.
int ScrubPasswordArgs(int argc, char** argv);

}  // namespace safeddl::cli
