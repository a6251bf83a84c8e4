/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Compatibility name: the server's API lives in httpd/server.h (the API
 * server included this header before the module was split).
 */
#ifndef CF_HTTPD_HTTPD_H
#define CF_HTTPD_HTTPD_H

#include "httpd/server.h"

#endif
