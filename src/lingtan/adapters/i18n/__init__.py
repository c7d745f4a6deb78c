"""The message catalogues (zh-CN, en) every user-facing text comes from: pages, API and job
messages, CLI output, reports (decision 0033). See :mod:`lingtan.adapters.i18n.messages`."""
