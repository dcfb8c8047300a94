/*
** version.h: the one version of mpavs, printed by `mpavs --version` and by
** every daemon's --version. Bump it here only.
*/
#ifndef MPAVS_VERSION_H
#define MPAVS_VERSION_H

#define MPAVS_VERSION_MAJOR 0
#define MPAVS_VERSION_MINOR 1
#define MPAVS_VERSION_PATCH 0
/** The version as text, "MAJOR.MINOR.PATCH". */
#define MPAVS_VERSION "0.1.0"

#endif /* MPAVS_VERSION_H */
