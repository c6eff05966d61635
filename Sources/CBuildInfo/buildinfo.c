#include "CBuildInfo.h"

// Package.swift defines TRESOR_GIT_COMMIT: a C macro can carry a value into the build, a Swift condition cannot.
#ifndef TRESOR_GIT_COMMIT
#define TRESOR_GIT_COMMIT "unknown"
#endif

const char *tresor_git_commit(void) { return TRESOR_GIT_COMMIT; }
