#!/bin/sh
	echo "tab"
  indented
