# grader/chapter.mk - `make grade` inside a chapter folder grades that chapter.
#
# Each chapters/NN-topic/Makefile is one line, `include ../../grader/chapter.mk`; the work
# is done by the workbook's Makefile, with CH set to this folder:
#
#   make grade                      this chapter
#   make grade FILE=src/lock.c      the tests of one student file
#   make grade TEST=lock_           the tests whose name begins with lock_
#   make grade ARGS=--show-output   any other option of bin/grade
WORKBOOK := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))..)
CHAPTER := $(notdir $(CURDIR))

.PHONY: grade
grade:
	@$(MAKE) --no-print-directory -C $(WORKBOOK) grade CH=$(CHAPTER)
