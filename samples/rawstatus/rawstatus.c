/* rawstatus: answers with the Status its query string names, percent-decoded by the guest itself up to any "="
 * (GET /?204 -> "Status: 204", GET /?2%B23 -> "Status: 2\xb23"), then a body, so a host can be
 * checked for 1xx, non-ASCII digits and bodies on 204/304. */
#include <stdio.h>
#include <stdlib.h>

static int hex(char c) {
    return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int main(void) {
    const char *raw = getenv("QUERY_STRING");
    char status[64];
    size_t used = 0;
    for (const char *p = raw != NULL && raw[0] != '\0' ? raw : "200"; *p != '\0' && *p != '=' && used + 1 < sizeof status; p++) {
        if (p[0] == '%' && hex(p[1]) >= 0 && hex(p[2]) >= 0) {
            status[used++] = (char)(hex(p[1]) * 16 + hex(p[2]));
            p += 2;
        } else {
            status[used++] = *p;
        }
    }
    status[used] = '\0';
    printf("Status: %s\nContent-Type: text/plain\nX-Guest: rawstatus\n\nbody the guest wrote\n", status);
    return 0;
}
