-- TemplateError: cannot express this statement in fabric: SPLIT_PART can be transpiled to PARSENAME only for '.' delimiter and literal values
  fix: leave fabric out of --dialect, or override the template that uses it in a templates_dir
