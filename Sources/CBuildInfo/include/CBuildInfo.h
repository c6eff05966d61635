#ifndef TRESOR_CBUILDINFO_H
#define TRESOR_CBUILDINFO_H

/// The git commit the binary was built from, as Package.swift found it ("unknown" outside a checkout).
const char *tresor_git_commit(void);

#endif
