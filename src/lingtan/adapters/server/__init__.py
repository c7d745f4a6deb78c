"""The composition roots, the highest layer of the adapters (decision 0045): the server app
(:mod:`.app`: API + web pages + job worker), the job worker (:mod:`.worker`), ``lingtan serve``
(:mod:`.serve`) and the ``lingtan`` program (:mod:`.main`: the CLI plus ``serve``)."""
