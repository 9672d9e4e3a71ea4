/* checklog.c - reads Check's XML log (libxml2) into a chapter's test results.
 *
 * Every declared test must have exactly one record: a missing record (a renamed or
 * deleted test, a runner that died), an unknown one or a duplicate never counts as
 * a pass. A truncated log is read as far as it is well formed. */
#include "grader.h"
#include "workfile.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

struct record {
    char *id, *result, *message, *fn;
};

/* The text of the first child element of node called name, or NULL. */
static char *child_text(xmlNode *node, const char *name)
{
    for (xmlNode *c = node->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
            return (char *)xmlNodeGetContent(c);
    return NULL;
}

static struct record read_record(xmlNode *test)
{
    return (struct record){
        .id = child_text(test, "id"),
        .result = (char *)xmlGetProp(test, (const xmlChar *)"result"),
        .message = child_text(test, "message"),
        .fn = child_text(test, "fn"),
    };
}

static void free_record(struct record *rec)
{
    xmlFree(rec->id);
    xmlFree(rec->result);
    xmlFree(rec->message);
    xmlFree(rec->fn);
}

/* Turns Check's wording for an error into the report's, e.g.
 * "Received signal 11 (Segmentation fault)" -> "killed by signal 11 (...)". */
static void classify_error(struct test_verdict *t, const char *message)
{
    int signo, code;
    if (strcmp(message, "Test timeout expired") == 0) {
        t->status = TEST_TIMEOUT;
        t->message = xasprintf("timed out after %g s", t->spec->timeout);
    } else if (sscanf(message, "Received signal %d", &signo) == 1) {
        const char *paren = strchr(message, '(');
        t->message = xasprintf("killed by signal %d %s", signo, paren ? paren : "");
    } else if (sscanf(message, "Early exit with return value %d", &code) == 1) {
        t->message = xasprintf("the test process exited early with status %d", code);
    } else {
        t->message = xstrdup(message);
    }
}

static void apply_record(struct test_verdict *t, const struct record *rec)
{
    free(t->message);
    t->message = NULL;
    const char *message = rec->message ? rec->message : "";
    if (rec->result && strcmp(rec->result, "success") == 0) {
        t->status = TEST_PASSED;
    } else if (rec->result && strcmp(rec->result, "failure") == 0) {
        t->status = TEST_FAILED;
        t->message = xstrdup(message);
        t->location = rec->fn ? xstrdup(rec->fn) : NULL;
    } else {
        t->status = TEST_ERROR;
        classify_error(t, message);
    }
}

static struct test_verdict *find_result(struct chapter_result *r, const char *id)
{
    for (size_t i = 0; i < r->chapter->n_tests; i++)
        if (strcmp(r->tests[i].spec->name, id) == 0)
            return &r->tests[i];
    return NULL;
}

/* Applies one <test> element. A test already reported (by this log or an earlier
 * one) makes the record a duplicate. */
static void read_test(xmlNode *node, struct chapter_result *r)
{
    struct record rec = read_record(node);
    struct test_verdict *t = rec.id ? find_result(r, rec.id) : NULL;
    if (!rec.id || !rec.result || !rec.message || !rec.fn) {
        /* cut off mid-record: as if it were not there */
    } else if (t == NULL) {
        chapter_result_add_note(r, "the tests report '%s', which chapter.cfg does not declare",
                                rec.id ? rec.id : "(unnamed)");
    } else if (!t->reported) {
        apply_record(t, &rec);
        t->reported = true;
    } else {
        t->status = TEST_ERROR;
        free(t->message);
        t->message = xstrdup("the test log holds more than one result for this test");
    }
    free_record(&rec);
}

static void walk(xmlNode *node, struct chapter_result *r)
{
    for (; node; node = node->next) {
        if (node->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp((const char *)node->name, "test") == 0)
            read_test(node, r);
        else
            walk(node->children, r);
    }
}

/* A log is one test's records: far below this; more is not Check's doing. */
enum { MAX_LOG_BYTES = 4 << 20 };

void checklog_read(const char *xml_path, struct chapter_result *r)
{
    /* The runner's code could have put a link or a FIFO where the log was: read only
     * a regular file, without blocking; a refused log is a missing one. */
    size_t len;
    char *text = workfile_read(xml_path, MAX_LOG_BYTES, &len);
    if (text == NULL)
        return;
    xmlDoc *doc = xmlReadMemory(text, (int)len, xml_path, NULL,
                                XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOERROR |
                                    XML_PARSE_NOWARNING);
    if (doc != NULL) {
        walk(xmlDocGetRootElement(doc), r);
        xmlFreeDoc(doc);
    }
    free(text);
}
