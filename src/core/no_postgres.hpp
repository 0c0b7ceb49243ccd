// Included first by every src/core/*.cpp: the core is plain C++ and must
// compile without PostgreSQL. Fails the build if a PostgreSQL header slipped in.
#pragma once
#if defined(POSTGRES_H) || defined(C_H) || defined(FMGR_H)
#error "src/core must not include PostgreSQL headers"
#endif
